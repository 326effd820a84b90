/* incident-mapper: the page's data and state (no drawing, no DOM).
 *
 * The page holds each table as typed-array columns (base64), sorted by start
 * time, plus compressed text chunks decoded on demand with DecompressionStream.
 * This file decodes them and answers "which incidents are shown now" for the
 * sources, filters, search and time the user chose: one pass over the rows in
 * the time window, never an object per incident.
 *
 * Report text is never turned into HTML here or anywhere in the page.
 */
/* exported IncidentMapCore */
var IncidentMapCore = (function () {
  'use strict';

  var FLAG_UNMAPPED = 1, FLAG_VAGUE = 2, FLAG_CLOCK = 4, FLAG_UNKNOWN_TIME = 8,
    FLAG_CONTRADICTED = 16, FLAG_START_FROM_T0 = 32, FLAG_END_FROM_T1 = 64;
  var UNKNOWN_TIME = 4294967295;
  var HEX_CODES = new Uint8Array(16);
  for (var h = 0; h < 16; h++) { HEX_CODES[h] = h.toString(16).charCodeAt(0); }
  var KINDS = {f4: Float32Array, u1: Uint8Array, u2: Uint16Array, u4: Uint32Array,
    i4: Int32Array};

  // Start-up milestones as performance marks ('im:...'), each made once: cheap, and what
  // benchmarks/bench_map.py reads to break the time to the first popup down (README).
  var marked = new Set();
  function markOnce(name) {
    if (marked.has(name) || !window.performance || !performance.mark) { return; }
    marked.add(name);
    performance.mark(name);
  }

  function bytesFromBase64(text) {
    if (typeof Uint8Array.fromBase64 === 'function') {
      return Uint8Array.fromBase64(text);
    }
    var binary = atob(text), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
    return out;
  }

  function textOf(id) {
    var element = document.getElementById(id);
    return element ? element.textContent : '';
  }

  // gzip'd base64 as a Response to read. The bytes go into a stream made here, not a
  // Blob's: a Blob is read back through the browser process, and those reads wait
  // behind the parser while the page's text is still coming in.
  function inflate(base64) {
    var bytes = bytesFromBase64(base64);
    var stream = new ReadableStream({
      start: function (controller) { controller.enqueue(bytes); controller.close(); }
    }).pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream);
  }
  function gunzip(base64) { return inflate(base64).text(); }

  // The text elements follow the start-up script, so the map is drawn while the
  // browser still reads them. An element is read once the parser has moved past it
  // (something follows it, or the document is read): a MutationObserver hears the
  // parser insert each one, so a popup waits for its own chunk only, never for the
  // rest of the document.
  var waiting = new Map();   // element id -> [resolve, ...]
  var observer = null;
  function readElement(id) {
    var element = document.getElementById(id);
    if (!element) { return document.readyState === 'loading' ? null : ''; }
    if (element.nextSibling || document.readyState !== 'loading') {
      return element.textContent.trim();
    }
    return null;
  }
  function settleWaiting() {
    waiting.forEach(function (resolvers, id) {
      var text = readElement(id);
      if (text === null) { return; }
      waiting.delete(id);
      resolvers.forEach(function (resolve) { resolve(text); });
    });
    if (!waiting.size && observer) { observer.disconnect(); observer = null; }
  }
  function textWhenRead(id) {
    var text = readElement(id);
    if (text !== null) { return Promise.resolve(text); }
    return new Promise(function (resolve) {
      if (!waiting.has(id)) { waiting.set(id, []); }
      waiting.get(id).push(resolve);
      if (!observer) {
        observer = new MutationObserver(settleWaiting);
        observer.observe(document.documentElement, {childList: true, subtree: true});
      }
    });
  }
  document.addEventListener('DOMContentLoaded', settleWaiting);

  // One table: its columns, its text chunks (decoded when asked, a few kept).
  function Table(prefix, meta, arrays) {
    this.meta = meta;
    this.n = meta.n;
    this.prefix = prefix;
    this.kinds = arrays;
    this.columns = {};
    this.nChunks = meta.n ? Math.ceil(meta.n / meta.chunkRows) : 0;
    this.cache = new Map();
    this.ids = null;
    this.complete = null;   // complete(i, row): fills in text the page rebuilds from columns
    this.idsLoading = null;
  }
  // Decode the columns: one buffer of little-endian typed arrays (base64, decoded in one
  // synchronous call: see maps/columns.py), laid out as the page's config says; t1 is
  // rebuilt from t0 and the duration.
  Table.prototype.load = function () {
    var text = textOf('im-' + this.prefix + '-arrays').trim();
    var buffer = text ? bytesFromBase64(text).buffer : new ArrayBuffer(0);
    var self = this;
    self.kinds.forEach(function (entry) {
      self.columns[entry.name] = new KINDS[entry.kind](buffer, entry.offset, entry.length);
    });
    var c = self.columns;
    if (c.dur) {
      var n = self.n, t0 = c.t0, dur = c.dur, t1 = new Uint32Array(n);
      for (var i = 0; i < n; i++) { t1[i] = t0[i] === UNKNOWN_TIME ? UNKNOWN_TIME : t0[i] + dur[i]; }
      c.t1 = t1;
    }
    return self;
  };
  Table.prototype.loadIds = function () {
    var self = this;
    if (self.ids) { return Promise.resolve(self.ids); }
    if (!self.idsLoading) {
      var form = self.meta.idForm;
      self.idsLoading = !self.n ? Promise.resolve([]) :
        textWhenRead('im-' + self.prefix + '-ids').then(function (base64) {
          if (!form) {
            return gunzip(base64).then(function (text) { return text.split('\n'); });
          }
          // Bytes: a common prefix and form.hexDigits hexadecimal digits per id, written
          // out as one ASCII text (flat strings, where += would make ropes) and split.
          return inflate(base64).arrayBuffer().then(function (buffer) {
            var bytes = new Uint8Array(buffer), width = form.hexDigits / 2;
            var prefix = form.prefix, line = prefix.length + form.hexDigits + 1;
            var text = new Uint8Array(self.n * line), at = 0;
            var head = Array.prototype.map.call(prefix, function (ch) { return ch.charCodeAt(0); });
            for (var i = 0; i < self.n; i++) {
              for (var p = 0; p < head.length; p++) { text[at++] = head[p]; }
              for (var b = i * width, end = b + width; b < end; b++) {
                text[at++] = HEX_CODES[bytes[b] >> 4];
                text[at++] = HEX_CODES[bytes[b] & 15];
              }
              text[at++] = 10;
            }
            var ids = new TextDecoder().decode(text.subarray(0, at - 1)).split('\n');
            return self.n ? ids : [];
          });
        });
      self.idsLoading = self.idsLoading.then(function (ids) {
        self.ids = ids;
        return self.ids;
      });
    }
    return self.idsLoading;
  };
  // The row of an id (ids loaded), or -1.
  Table.prototype.indexOf = function (id) { return this.ids ? this.ids.indexOf(id) : -1; };
  Table.prototype.chunk = function (k) {
    var self = this;
    if (self.cache.has(k)) {
      var hit = self.cache.get(k);
      self.cache.delete(k);
      self.cache.set(k, hit);
      return hit;
    }
    var popup = self.chunkText(k).then(function (text) {
      markOnce('im:first-chunk-read');
      return gunzip(text);
    }).then(JSON.parse);
    // The searched columns come in a chunk of their own (maps/columns.py): both, merged.
    var promise = Promise.all([popup, self.searchChunk(k)]).then(function (parts) {
      var chunk = parts[0], searched = parts[1];
      Object.keys(searched).forEach(function (name) { chunk[name] = searched[name]; });
      markOnce('im:first-chunk-decoded');
      return chunk;
    });
    self.cache.set(k, promise);
    if (self.cache.size > 12) { self.cache.delete(self.cache.keys().next().value); }
    return promise;
  };
  // The compressed text of chunk k (base64), once the browser has read it.
  Table.prototype.chunkText = function (k) {
    return textWhenRead('im-' + this.prefix + '-c' + k);
  };
  // Chunk k's searched text (maps/columns.py: its columns' values one after another,
  // each ended by NUL, a missing one SOH), or '' for a table with no searched columns.
  Table.prototype.searchText = function (k) {
    if (!(this.meta.searchColumns || []).length) { return Promise.resolve(''); }
    return textWhenRead('im-' + this.prefix + '-s' + k).then(gunzip);
  };
  // How many rows chunk k holds.
  Table.prototype.rowsIn = function (k) {
    return Math.min(this.meta.chunkRows, this.n - k * this.meta.chunkRows);
  };
  // Chunk k's searched columns, {column: [values]} ({} for a table with none).
  Table.prototype.searchChunk = function (k) {
    var names = this.meta.searchColumns || [], rows = this.rowsIn(k);
    return this.searchText(k).then(function (text) {
      var values = text.split(SEPARATOR), out = {};
      for (var c = 0; c < names.length; c++) {
        var list = values.slice(c * rows, (c + 1) * rows);
        for (var j = 0; j < list.length; j++) { if (list[j] === MISSING) { list[j] = null; } }
        out[names[c]] = list;
      }
      return out;
    });
  };
  // The text fields of row i, as {column: value}.
  Table.prototype.row = function (i) {
    var rows = this.meta.chunkRows, k = Math.floor(i / rows), j = i - k * rows;
    var names = this.meta.textColumns;
    var complete = this.complete;
    return this.chunk(k).then(function (chunk) {
      var out = {};
      for (var c = 0; c < names.length; c++) { out[names[c]] = chunk[names[c]][j]; }
      if (complete) { complete(i, out); }
      return out;
    });
  };
  // Rows (ascending indexes) with their text, a chunk at a time: calls visit(i, row).
  Table.prototype.eachRow = function (indexes, visit) {
    var self = this, rows = self.meta.chunkRows, names = self.meta.textColumns;
    var position = 0;
    function next() {
      if (position >= indexes.length) { return Promise.resolve(); }
      var k = Math.floor(indexes[position] / rows);
      return self.chunk(k).then(function (chunk) {
        while (position < indexes.length && Math.floor(indexes[position] / rows) === k) {
          var i = indexes[position], j = i - k * rows, out = {};
          for (var c = 0; c < names.length; c++) { out[names[c]] = chunk[names[c]][j]; }
          if (self.complete) { self.complete(i, out); }
          visit(i, out);
          position += 1;
        }
        return next();
      });
    }
    return next();
  };
  // Mark mask[i] for every row i whose searched text holds `needle` (lower case), a
  // chunk at a time; progress(fraction) after each; stops when stillWanted() is false.
  // A chunk is searched as one text, lowered once: a few native calls per chunk, no
  // parsing, no value by value (except in a chunk whose lower case changes length, a
  // rare letter such as the Turkish dotted I: value by value there).
  Table.prototype.searchRows = function (needle, mask, stillWanted, progress) {
    var self = this, k = 0, total = self.nChunks;
    if (!(self.meta.searchColumns || []).length) { return Promise.resolve(); }
    function next() {
      if (k >= total || !stillWanted()) { return Promise.resolve(); }
      return self.searchText(k).then(function (text) {
        if (stillWanted()) { markMatches(text, needle, self.rowsIn(k), k * self.meta.chunkRows, mask); }
        k += 1;
        if (progress) { progress(k / total); }
        return next();
      });
    }
    return next();
  };

  var SEPARATOR = '\u0000', MISSING = '\u0001';
  // In a search chunk's text (values each ended by SEPARATOR, `rows` per column), mark
  // mask[start + row] for each value that holds `needle` (lower case).
  function markMatches(text, needle, rows, start, mask) {
    var lower = text.toLocaleLowerCase(), value = 0, end, at;
    if (needle.indexOf(SEPARATOR) >= 0) { return; }
    if (lower.length !== text.length) {
      var values = text.split(SEPARATOR);
      for (var v = 0; v < values.length; v++) {
        if (values[v].toLocaleLowerCase().indexOf(needle) >= 0) { mask[start + v % rows] = 1; }
      }
      return;
    }
    end = lower.indexOf(SEPARATOR);
    at = lower.indexOf(needle);
    while (at >= 0 && end >= 0) {
      while (end < at) {
        value += 1;
        end = lower.indexOf(SEPARATOR, end + 1);
        if (end < 0) { return; }
      }
      mask[start + value % rows] = 1;
      at = lower.indexOf(needle, end + 1);
    }
  }

  // First index in the sorted array a[lo, hi) whose value is >= x.
  function lowerBound(a, x, lo, hi) {
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (a[mid] < x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  function State(config, inc, evt) {
    var meta = config.incidents;
    this.config = config;
    this.inc = inc;
    this.evt = evt;
    var c = this.inc.columns, n = this.inc.n;
    this.nKnown = lowerBound(c.t0, UNKNOWN_TIME, 0, n);
    this.eventOf = c.event;
    // Each event's member rows (ascending), from the incidents' event column.
    var ne = this.evt.n, offsets = new Uint32Array(ne + 1), members = new Uint32Array(n);
    var eventOf = c.event, flags = c.flags;
    for (var r = 0; r < n; r++) { if (eventOf[r] >= 0) { offsets[eventOf[r] + 1]++; } }
    for (var e = 0; e < ne; e++) { offsets[e + 1] += offsets[e]; }
    var fill = offsets.slice(0, ne);
    for (var q = 0; q < n; q++) { if (eventOf[q] >= 0) { members[fill[eventOf[q]]++] = q; } }
    this.evt.columns.memberOffsets = offsets;
    this.evt.columns.members = members;
    this.inc.complete = function (i, row) {
      var f = c.flags[i];
      if (f & FLAG_START_FROM_T0) { row.time_start = iso(c.t0[i]); }
      if (f & FLAG_END_FROM_T1) { row.time_end = iso(c.t1[i]); }
      if (row.place_id === null && meta.places[c.place[i]]) { row.place_id = meta.places[c.place[i]]; }
    };
    this.on = {
      source: new Uint8Array(meta.sources.length).fill(1),
      type: new Uint8Array(meta.types.length).fill(1),
      status: new Uint8Array(meta.statuses.length).fill(1),
      precision: new Uint8Array(meta.precisions.length).fill(1)
    };
    this.layers = {incidents: true, other: false, events: true};
    this.happenedCode = meta.statuses.indexOf('happened');
    this.search = {query: '', mask: null, running: null};
    this.range = null;          // [from, to) minutes, or null
    this.time = null;           // null: all times; else [a, b) minutes
    this.visible = new Uint32Array(n);
    this.nVisible = 0;
    this.eventVisible = new Uint8Array(this.evt.n);
    this.nEventsVisible = 0;
    this.counts = {
      source: new Uint32Array(meta.sources.length),
      type: new Uint32Array(meta.types.length),
      status: new Uint32Array(meta.statuses.length),
      precision: new Uint32Array(meta.precisions.length)
    };
    this.mappedTotal = 0;
    this.unknownShown = 0;
    // Every field the methods set is made here, so the state keeps one shape (V8 map)
    // and the loops that read it stay optimised.
    this.starting = false;
    this.lastEvaluateMs = 0;
    this.eventAny = new Uint8Array(this.evt.n + 1);
    this.everyRow = new Uint8Array(n).fill(1);   // the search mask when there is no search
    this.spareSourceCount = new Uint32Array(meta.sources.length);
    this.makeCombos();
    // What scanRows reads, in one object of one shape.
    this.kernel = {
      flags: flags, t0: c.t0, t1: c.t1, src: c.source, combo: this.combo, mask: this.everyRow,
      onSrc: this.on.source, shownOf: this.comboShown, countedOf: this.comboCounted,
      out: this.visible, comboCount: this.comboCount, perSource: this.counts.source, unknown: 0
    };
    var mapped = 0;
    for (var i = 0; i < n; i++) { if (!(flags[i] & FLAG_UNMAPPED)) { mapped++; } }
    this.mappedTotal = mapped;
    this.listeners = [];
  }

  State.prototype.onChange = function (listener) { this.listeners.push(listener); };
  State.prototype.changed = function (why) {
    if (this.starting) { return; }   // the page evaluates once when it is built
    var started = performance.now();
    this.evaluate();
    this.lastEvaluateMs = performance.now() - started;
    for (var i = 0; i < this.listeners.length; i++) { this.listeners[i](why); }
  };

  // Is status code s drawn (the layer of other statuses, then the status filter)?
  State.prototype.statusLayerOn = function (s) {
    return s === this.happenedCode ? this.layers.incidents : this.layers.other;
  };

  // Recompute the shown incidents and events, and the live counts of each filter
  // value (what it would show with the other filters as they are).
  State.prototype.evaluate = function () {
    this.nVisible = this.scan(this.time, this.visible, true);
    this.evaluateEvents();
  };

  // The type, status and precision of each row as one code (a "combo"), so a row's
  // filters are one lookup: made once, at load.
  State.prototype.makeCombos = function () {
    var c = this.inc.columns, n = this.inc.n, on = this.on;
    var nT = on.type.length, nS = on.status.length, nP = on.precision.length;
    this.comboShape = [nT, nS, nP];
    var combos = nT * nS * nP > 65535 ? new Uint32Array(n) : new Uint16Array(n);
    var type = c.type, status = c.status, precision = c.precision;
    for (var i = 0; i < n; i++) { combos[i] = (type[i] * nS + status[i]) * nP + precision[i]; }
    this.combo = combos;
    this.comboState = new Uint8Array(nT * nS * nP);
    this.comboCount = new Uint32Array(nT * nS * nP);
    this.comboShown = new Uint8Array(nT * nS * nP);
    this.comboCounted = new Uint8Array(nT * nS * nP);
    this.spareComboCount = new Uint32Array(nT * nS * nP);
  };
  // Per combo: 0 shown, 1/2/3 only its type/status/precision is filtered out, 4 more
  // than one is, 5 its status is a layer that is off. Also, as 0/1 per combo, whether
  // it is shown and whether it is counted (states 0 to 3), for the scan.
  State.prototype.comboStates = function () {
    var shape = this.comboShape, nS = shape[1], nP = shape[2], out = this.comboState;
    var on = this.on, shown = this.comboShown, counted = this.comboCounted;
    for (var k = 0; k < out.length; k++) {
      var p = k % nP, st = Math.floor(k / nP) % nS, t = Math.floor(k / (nP * nS));
      if (!this.statusLayerOn(st)) { out[k] = 5; } else {
        var fails = (on.type[t] ? 0 : 1) + (on.status[st] ? 0 : 1) + (on.precision[p] ? 0 : 1);
        out[k] = fails === 0 ? 0 : fails > 1 ? 4 : !on.type[t] ? 1 : !on.status[st] ? 2 : 3;
      }
      shown[k] = out[k] === 0 ? 1 : 0;
      counted[k] = out[k] < 4 ? 1 : 0;
    }
    return out;
  };

  // The loops over every row run a block of rows per call. V8 then optimises each
  // loop's function as a function, after a few calls, and keeps that code. One call over
  // a million rows is optimised only "on stack", code V8 holds weakly: a major garbage
  // collection drops it, and the next call (the first source toggle after one) ran the
  // whole million rows unoptimised while the compiler worked on the side, 60 ms on a
  // quiet machine and 200-400 ms on a loaded one, where the same change took 10-15 ms.
  var BLOCK_ROWS = 16384;

  // The one loop over the rows [from, to) of a time window, for every kind of change:
  // no branch around any operation, so the first evaluation gives V8 feedback for all
  // of it and its optimised code stays. (With a branch per filter, the first source
  // toggle ran code no evaluation had run: V8 threw the optimised loop away in the
  // middle of a million rows and finished it unoptimised, 60 ms where 15 were enough.)
  // A row is written to out[nv] whatever it is and kept by advancing nv by 0 or 1.
  // `above` and `below` are the time query's bounds moved by half a minute (times are
  // whole minutes), so they are never small integers and the comparisons' feedback
  // never changes kind either. Returns the new nv; adds the unknown-time rows shown to
  // k.unknown.
  function scanRows(k, from, to, nv, above, below) {
    var flags = k.flags, t0 = k.t0, t1 = k.t1, src = k.src, combo = k.combo, mask = k.mask;
    var onSrc = k.onSrc, shownOf = k.shownOf, countedOf = k.countedOf, out = k.out;
    var comboCount = k.comboCount, perSource = k.perSource, unknown = 0;
    for (var i = from; i < to; i++) {
      var f = flags[i], code = combo[i], sc = src[i];
      var inTime = ((t0[i] < below ? 1 : 0) & (t1[i] > above ? 1 : 0)) | ((f >> 3) & 1);
      var ok = ((f & 1) ^ 1) & mask[i] & inTime;
      var on = onSrc[sc] & ok, shown = shownOf[code] & on;
      out[nv] = i;
      nv += shown;
      comboCount[code] += countedOf[code] & on;
      perSource[sc] += shownOf[code] & ok;
      unknown += shown & (f >> 3);
    }
    k.unknown += unknown;
    return nv;
  }

  // The rows passing every filter and the time query `time` (null: any time),
  // written to `out`; returns how many. With `count`, also the live counts: each
  // value's count is what it would show with the other filters as they are.
  State.prototype.scan = function (time, out, count) {
    var k = this.kernel, range = this.range;
    this.comboStates();
    k.mask = this.search.mask || this.everyRow;
    k.out = out;
    k.comboCount = count ? this.comboCount : this.spareComboCount;
    k.perSource = count ? this.counts.source : this.spareSourceCount;
    k.comboCount.fill(0);
    k.perSource.fill(0);
    k.unknown = 0;
    var a = time === null ? -1 : time[0], b = time === null ? UNKNOWN_TIME : time[1];
    if (range !== null) { a = Math.max(a, range[0]); b = Math.min(b, range[1]); }
    var ranges = this.timeRanges(time), nv = 0;
    for (var r = 0; r < ranges.length; r += 2) {
      for (var from = ranges[r], to = ranges[r + 1]; from < to; from += BLOCK_ROWS) {
        nv = scanRows(k, from, Math.min(to, from + BLOCK_ROWS), nv, a + 0.5, b - 0.5);
      }
    }
    if (count) {
      this.unknownShown = k.unknown;
      var comboCount = this.comboCount, states = this.comboState;
      var ct = this.counts.type, cst = this.counts.status, cp = this.counts.precision;
      ct.fill(0); cst.fill(0); cp.fill(0);
      var nS = this.comboShape[1], nP = this.comboShape[2];
      for (var q = 0; q < comboCount.length; q++) {
        var m = comboCount[q];
        if (!m) { continue; }
        var pq = q % nP, sq = Math.floor(q / nP) % nS, tq = Math.floor(q / (nP * nS));
        var s = states[q];
        if (s === 0 || s === 1) { ct[tq] += m; }
        if (s === 0 || s === 2) { cst[sq] += m; }
        if (s === 0 || s === 3) { cp[pq] += m; }
      }
    }
    return nv;
  };

  // Index ranges of the rows whose window may meet the time query (always the
  // unknown-time rows at the end).
  State.prototype.timeRanges = function (time) {
    var c = this.inc.columns, n = this.inc.n, known = this.nKnown;
    var query = time;
    if (this.range !== null) {
      query = query === null ? this.range :
        [Math.max(query[0], this.range[0]), Math.min(query[1], this.range[1])];
    }
    if (query === null) { return [0, n]; }
    var hi = lowerBound(c.t0, query[1], 0, known);
    var lo = lowerBound(c.t0, query[0] - this.config.incidents.maxDuration, 0, hi);
    return [lo, hi, known, n];
  };

  // any[e] = 1 for the event of each shown row visible[from, to) (a row of no event,
  // -1, marks the spare slot `none`): no branch, as in scanRows.
  function markEvents(eventOf, visible, from, to, any, none) {
    for (var k = from; k < to; k++) {
      var ev = eventOf[visible[k]];
      any[ev < 0 ? none : ev] = 1;
    }
  }
  // Events [from, to) shown: mapped, and one of their incidents shown, or (an event of
  // no incident on the map) in the time query (above, below: as in scanRows). Returns
  // how many.
  function showEvents(columns, from, to, any, shown, above, below) {
    var flags = columns.flags, t0 = columns.t0, t1 = columns.t1, offsets = columns.memberOffsets;
    var count = 0;
    for (var j = from; j < to; j++) {
      var f = flags[j], has = offsets[j + 1] > offsets[j] ? 1 : 0;
      var inTime = ((t0[j] < below ? 1 : 0) & (t1[j] > above ? 1 : 0)) | ((f >> 3) & 1);
      var ok = ((f & 1) ^ 1) & ((has & any[j]) | ((has ^ 1) & inTime));
      shown[j] = ok;
      count += ok;
    }
    return count;
  }

  State.prototype.evaluateEvents = function () {
    var e = this.evt, ne = e.n, shown = this.eventVisible.fill(0), count = 0;
    if (!ne) { this.nEventsVisible = 0; return; }
    var any = this.eventAny.fill(0), nv = this.nVisible;
    for (var k = 0; k < nv; k += BLOCK_ROWS) {
      markEvents(this.eventOf, this.visible, k, Math.min(nv, k + BLOCK_ROWS), any, ne);
    }
    if (!this.layers.events) { this.nEventsVisible = 0; return; }
    var time = this.time;
    var above = time === null ? -0.5 : time[0] + 0.5, below = time === null ? UNKNOWN_TIME - 0.5 : time[1] - 0.5;
    for (var j = 0; j < ne; j += BLOCK_ROWS) {
      count += showEvents(e.columns, j, Math.min(ne, j + BLOCK_ROWS), any, shown, above, below);
    }
    this.nEventsVisible = count;
  };

  // Search: place names at once, then the evidence (and other text) chunk by chunk.
  State.prototype.setSearch = function (query, progress) {
    var self = this, meta = this.config.incidents;
    var needle = (query || '').trim().toLocaleLowerCase();
    self.search.query = query || '';
    var token = {};
    self.search.running = token;
    if (!needle) {
      self.search.mask = null;
      self.changed('search');
      return Promise.resolve(null);
    }
    var n = self.inc.n, mask = new Uint8Array(n), place = self.inc.columns.place;
    var placeHit = new Uint8Array(meta.places.length);
    meta.places.forEach(function (id, k) {
      var name = meta.placeNames[k] || '';
      if ((name + ' ' + id).toLocaleLowerCase().indexOf(needle) >= 0) { placeHit[k] = 1; }
    });
    var sourceHit = new Uint8Array(meta.sources.length);
    meta.sources.forEach(function (name, k) {
      if (name.toLocaleLowerCase().indexOf(needle) >= 0) { sourceHit[k] = 1; }
    });
    var src = self.inc.columns.source;
    for (var i = 0; i < n; i++) { if (placeHit[place[i]] || sourceHit[src[i]]) { mask[i] = 1; } }
    self.search.mask = mask;
    self.changed('search');
    // The evidence and the other searched text (maps/columns.py SEARCH_COLUMNS).
    return self.inc.searchRows(needle, mask, function () { return self.search.running === token; },
      progress).then(function () {
      if (self.search.running === token) { self.changed('search'); }
      return mask;
    });
  };

  // Decode the page's tables, then make the state.
  function load(config) {
    var inc = new Table('inc', config.incidents, config.incidentArrays);
    var evt = new Table('evt', config.events, config.eventArrays);
    return Promise.resolve().then(function () {
      inc.load();
      evt.load();
      markOnce('im:columns');
      var state = new State(config, inc, evt);
      markOnce('im:state');
      return state;
    });
  }

  return {
    load: load, State: State, Table: Table, gunzip: gunzip, lowerBound: lowerBound,
    markMatches: markMatches,
    markOnce: markOnce, BLOCK_ROWS: BLOCK_ROWS,
    FLAG_UNMAPPED: FLAG_UNMAPPED, FLAG_VAGUE: FLAG_VAGUE, FLAG_CLOCK: FLAG_CLOCK,
    FLAG_UNKNOWN_TIME: FLAG_UNKNOWN_TIME, FLAG_CONTRADICTED: FLAG_CONTRADICTED,
    FLAG_START_FROM_T0: FLAG_START_FROM_T0, FLAG_END_FROM_T1: FLAG_END_FROM_T1,
    UNKNOWN_TIME: UNKNOWN_TIME
  };
})();
