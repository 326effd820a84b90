/* incident-mapper: the analyst's working surface around the layer.
 *
 * IncidentMap.install({map, config, places, tiles}) builds the side panel (time,
 * filters, search, sources, key), the table of shown incidents with its exports,
 * the layer control, the URL-hash state and the page API, window.incidentMap.
 * All text from reports goes in with textContent.
 */
/* exported IncidentMap */
/* global L, IncidentMapCore, IncidentMapLayer, IncidentMapPopups, IncidentMapSources,
   IncidentMapTable */
var IncidentMap = (function () {
  'use strict';
  var Core = IncidentMapCore, P = IncidentMapPopups, el = P.el;
  var checkboxRow = P.checkboxRow, setText = P.setText, debounce = P.debounce;
  var PHONE = '(max-width: 640px)';

  // Loop kernels over the shown rows visible[from, to), called a block at a time.
  function countSharing(xy, visible, from, to, i) {
    var X = xy.x, Y = xy.y, x = X[i], y = Y[i], n = 0;
    for (var k = from; k < to; k++) {
      var j = visible[k];
      n += X[j] === x && Y[j] === y ? 1 : 0;
    }
    return n;
  }
  function markPlaces(place, visible, from, to, used) {
    for (var k = from; k < to; k++) { used[place[visible[k]]] = 1; }
  }

  function details(parent, title, open, className) {
    var d = el('details', 'im-section ' + (className || ''));
    d.open = open;
    var summary = el('summary');
    summary.appendChild(el('h2', null, title));
    d.appendChild(summary);
    parent.appendChild(d);
    return d;
  }
  // Decode the data, then build the surface; resolves to the page API.
  function install(options) {
    var installStarted = performance.now();
    Core.markOnce('im:install');
    // The API object exists at once (ready: false); build() fills it in.
    var api = {ready: false};
    window.incidentMap = api;
    api.whenReady = Core.load(options.config).then(function (state) {
      return build(options, state, installStarted, api);
    }).catch(function (error) {
      var note = el('div', 'im-panel im-failed', 'The map could not start: ' + error);
      options.map.getContainer().appendChild(note);
      throw error;
    });
    return api.whenReady;
  }

  function build(options, state, installStarted, api) {
    var map = options.map, config = options.config, styles = config.styles;
    var meta = config.incidents, inc = state.inc;
    // the pack's zone rules (each moment at its own offset), else a fixed offset
    var offset = config.time.zone || config.time.offsetMinutes;
    var layer = new IncidentMapLayer.Layer(state, styles);
    // Nothing is evaluated or redrawn while the page is built: once, at the end.
    state.starting = true;
    // The histogram under the slider is first drawn when the page is idle.
    var ui = {histogramDeferred: true};
    // time_start and time_end that are the window at the zone's offset come as flags
    // (maps/columns.py), a place_id that is its code's is left out: written back here.
    function isoLocal(minutes) {
      var o = P.offsetAt(minutes, offset), abs = Math.abs(o);
      return new Date((minutes + o) * 60000).toISOString().slice(0, 19) + (o < 0 ? '-' : '+') +
        ('0' + Math.floor(abs / 60)).slice(-2) + ':' + ('0' + abs % 60).slice(-2);
    }
    inc.complete = function (i, row) {
      var c = inc.columns, f = c.flags[i];
      if (f & Core.FLAG_START_FROM_T0) { row.time_start = isoLocal(c.t0[i]); }
      if (f & Core.FLAG_END_FROM_T1) { row.time_end = isoLocal(c.t1[i]); }
      if (row.place_id === null && meta.places[c.place[i]]) { row.place_id = meta.places[c.place[i]]; }
    };

    // ------------------------------------------------------------ time
    var time = {mode: config.time.defaultMode, step: null, timer: null};
    // Modes: clock (a moment, in steps of minutes), day, and for long collections
    // month and year (calendar periods of unequal length: their spans carry bounds).
    var SPAN_KEYS = {clock: 'clock', day: 'days', month: 'months', year: 'years'};
    function spanOf(mode) { return config.time[SPAN_KEYS[mode]] || null; }
    // Day k runs from local midnight to local midnight at the zone's offsets of those
    // moments (a day that changes to or from summer time lasts 23 or 25 hours).
    function localMidnight(k) {
      var local = config.time.days.start + P.offsetAt(config.time.days.start, offset) + k * 1440;
      return local - P.offsetAt(local - P.offsetAt(local, offset), offset);
    }
    // The minutes [from, to) of step k (clock mode: the one minute it stands for).
    function queryFor(mode, k) {
      var span = spanOf(mode);
      if (span.bounds) { return [span.bounds[k], span.bounds[k + 1]]; }
      if (mode === 'day') { return [localMidnight(k), localMidnight(k + 1)]; }
      var a = span.start + k * span.step;
      return [a, a + 1];
    }
    function stepOf(minute, mode) {
      var span = spanOf(mode), k;
      if (span.bounds) {
        k = Core.lowerBound(span.bounds, minute + 1, 0, span.bounds.length) - 1;
      } else {
        var from = span.start;
        if (mode === 'day') {
          minute += P.offsetAt(minute, offset);
          from += P.offsetAt(span.start, offset);
        }
        k = Math.floor((minute - from) / span.step);
      }
      return Math.max(0, Math.min(span.steps - 1, k));
    }
    // The text for the step starting at minute m, in mode `mode`.
    function stepText(m, mode) {
      if (mode === 'year') { return P.isoDay(m, offset).slice(0, 4); }
      if (mode === 'month') { return P.monthText(m, offset); }
      if (mode === 'day') { return P.dayText(m, offset); }
      return P.clock(m, offset) + ' ' + P.dayText(m, offset);
    }
    function setStep(k, mode) {
      if (mode) { time.mode = mode; }
      time.step = k;
      state.time = k === null ? null : queryFor(time.mode, k);
      state.changed('time');
    }
    function stop() {
      if (time.timer !== null) { clearInterval(time.timer); time.timer = null; }
    }
    function play() {
      var span = spanOf(time.mode);
      if (!span || time.timer !== null) { return; }
      if (time.step === null || time.step >= span.steps - 1) { setStep(0); }
      time.timer = setInterval(function () {
        var next = time.step + 1;
        if (next >= span.steps) { stop(); renderTime(); return; }
        setStep(next);
      }, config.time.playIntervalMs);
      renderTime();
    }
    function setTime(value) {
      stop();
      if (value === null || value === undefined) { setStep(null); return null; }
      var ms = typeof value === 'number' ? value : Date.parse(value);
      if (!isFinite(ms)) { throw new Error('not a time: ' + value); }
      var minute = Math.floor(ms / 60000);
      time.step = stepOf(minute, time.mode);
      state.time = time.mode === 'clock' ? [minute, minute + 1] : queryFor(time.mode, time.step);
      state.changed('time');
      return ms;
    }

    // ------------------------------------------------------------ layers
    // First, before the panel exists: the layer control measures its place on the page
    // (a forced layout), which costs little while the page holds only the map.
    var EventsToggle = L.Layer.extend({
      onAdd: function () { state.layers.events = true; state.changed('layers'); },
      onRemove: function () { state.layers.events = false; state.changed('layers'); }
    });
    var OtherToggle = L.Layer.extend({
      onAdd: function () { state.layers.other = true; state.changed('layers'); },
      onRemove: function () { state.layers.other = false; state.changed('layers'); }
    });
    layer.on('add', function () { state.layers.incidents = true; state.changed('layers'); });
    layer.on('remove', function () { state.layers.incidents = false; state.changed('layers'); });
    var eventsToggle = new EventsToggle(), otherToggle = new OtherToggle();
    layer.addTo(map);
    var overlays = {};
    if (options.places) { overlays['<span class="im-layer">Places</span>'] = options.places; }
    overlays['<span class="im-layer">Incidents</span>'] = layer;
    var otherStatuses = meta.statuses.filter(function (st) { return st !== 'happened'; });
    if (otherStatuses.length) {
      overlays['<span class="im-layer">Not known to have happened</span>'] = otherToggle;
    }
    if (state.evt.n) {
      overlays['<span class="im-layer">Events</span>'] = eventsToggle;
      map.addLayer(eventsToggle);
    }
    var control = null;
    function placeControl() {
      var phone = window.matchMedia(PHONE).matches;
      if (control && control.options.collapsed === phone) { return; }
      if (control) { control.remove(); }
      control = L.control.layers(options.tiles || {}, overlays, {collapsed: phone, position: 'topright'});
      control.addTo(map);
    }
    placeControl();
    window.addEventListener('resize', debounce(function () { placeControl(); map.invalidateSize(); }, 150));


    // ------------------------------------------------------------ panel
    var Panel = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var root = L.DomUtil.create('div', 'im-panel im-side');
        L.DomEvent.disableClickPropagation(root);
        L.DomEvent.disableScrollPropagation(root);
        ui.root = root;
        return root;
      }
    });
    new Panel().addTo(map);
    var root = ui.root;
    var head = el('div', 'im-head');
    head.appendChild(el('h1', null, config.title));
    ui.summary = el('div', 'im-summary');
    head.appendChild(ui.summary);
    root.appendChild(head);
    var tools = el('div', 'im-tools');
    root.appendChild(tools);

    // Phone: the panel's sections become buttons along the bottom of the map.
    var bar = L.DomUtil.create('div', 'im-phone-bar', map.getContainer());
    L.DomEvent.disableClickPropagation(bar);
    var sections = {};
    function addSection(key, title, open, className) {
      var d = details(root, title, open, className);
      d.dataset.section = key;
      sections[key] = d;
      var button = el('button', 'im-phone-button', title);
      button.type = 'button';
      button.dataset.section = key;
      button.addEventListener('click', function () {
        var showing = root.dataset.phoneSection === key && root.classList.contains('im-phone-open');
        root.classList.toggle('im-phone-open', !showing);
        root.dataset.phoneSection = showing ? '' : key;
        if (!showing) { d.open = true; }
        Array.prototype.forEach.call(bar.children, function (b) {
          b.classList.toggle('im-active', !showing && b.dataset.section === key);
        });
      });
      bar.appendChild(button);
      return d;
    }

    // Time section.
    var clockSpan = config.time.clock, daySpan = config.time.days;
    var MODE_TITLES = {day: 'By day', month: 'By month', year: 'By year'};
    var modeNames = ['clock', 'day', 'month', 'year'].filter(function (m) { return spanOf(m); });
    if (clockSpan || daySpan) {
      var t = addSection('time', 'Time', true, 'im-time');
      ui.timeNow = el('div', 'im-time-now', 'All times');
      t.appendChild(ui.timeNow);
      ui.timeZone = el('div', 'im-time-zone');
      t.appendChild(ui.timeZone);
      if (modeNames.length > 1) {
        var modes = el('div', 'im-time-modes');
        modeNames.map(function (m) {
          return [m, m === 'clock' ? 'By ' + (clockSpan.step >= 60 ? 'hour' : 'time of day') : MODE_TITLES[m]];
        }).forEach(function (m) {
            var label = el('label'), radio = el('input');
            radio.type = 'radio';
            radio.name = 'im-time-mode';
            radio.value = m[0];
            radio.checked = time.mode === m[0];
            radio.addEventListener('change', function () {
              stop();
              var minute = state.time ? state.time[0] : null;
              time.mode = m[0];
              if (minute === null) { setStep(null); } else { setStep(stepOf(minute, m[0])); }
              buildSlider();
            });
            label.appendChild(radio);
            label.appendChild(document.createTextNode(' ' + m[1]));
            modes.appendChild(label);
          });
        t.appendChild(modes);
      }
      ui.slider = el('input', 'im-time-slider');
      ui.slider.type = 'range';
      ui.slider.min = '0';
      ui.slider.step = '1';
      ui.slider.value = '0';
      ui.slider.setAttribute('aria-label', 'Local time (' + config.time.zoneLabel + ')');
      // Each move reads the slider's new value: nothing redraws the old one first.
      ui.slider.addEventListener('input', function () {
        stop();
        setStep(Number(ui.slider.value));
      });
      // A click on the slider where it already stands still picks that moment.
      ui.slider.addEventListener('click', function () {
        if (state.time === null) { stop(); setStep(Number(ui.slider.value)); }
      });
      t.appendChild(ui.slider);
      ui.histogram = el('canvas', 'im-histogram');
      ui.histogram.height = 28;
      ui.histogram.addEventListener('click', function (e) {
        var box = ui.histogram.getBoundingClientRect(), span = spanOf(time.mode);
        var k = Math.floor((e.clientX - box.left) / box.width * span.steps);
        stop();
        setStep(Math.max(0, Math.min(span.steps - 1, k)));
      });
      t.appendChild(ui.histogram);
      ui.scale = el('div', 'im-time-scale');
      t.appendChild(ui.scale);
      var buttons = el('div', 'im-time-buttons');
      ui.play = el('button', 'im-time-play', '\u25b6 Play');
      ui.play.type = 'button';
      ui.play.addEventListener('click', function () {
        if (time.timer === null) { play(); } else { stop(); renderTime(); }
      });
      var all = el('button', 'im-time-reset', 'All times');
      all.type = 'button';
      all.addEventListener('click', function () { stop(); setStep(null); });
      buttons.appendChild(ui.play);
      buttons.appendChild(all);
      t.appendChild(buttons);
      ui.timeCount = el('div', 'im-time-count');
      t.appendChild(ui.timeCount);
      ui.timeUnknown = el('div', 'im-note im-time-unknown');
      t.appendChild(ui.timeUnknown);
    }
    function buildSlider() {
      if (!ui.slider) { return; }
      var span = spanOf(time.mode);
      ui.slider.max = String(span.steps - 1);
      ui.scale.textContent = '';
      var last = queryFor(time.mode, span.steps - 1)[0];
      // The ends of the scale: a year is shown in day mode only when they differ.
      var years = P.isoDay(span.start, offset).slice(0, 4) !== P.isoDay(last, offset).slice(0, 4);
      var label = function (m) {
        if (time.mode === 'day') { return years ? P.dayText(m, offset) : P.dayText(m, offset).slice(0, -5); }
        if (time.mode === 'clock') { return P.clock(m, offset) + ' ' + P.dayText(m, offset).slice(0, -5); }
        return stepText(m, time.mode);
      };
      ui.scale.appendChild(el('span', null, label(span.start)));
      ui.scale.appendChild(el('span', null, label(last)));
      ui.histogramDirty = true;
    }
    function renderTime() {
      if (!ui.slider) { return; }
      var span = spanOf(time.mode);
      if (state.time === null) {
        setText(ui.timeNow, 'All times');
        setText(ui.timeZone, 'Slide or play to replay by ' + config.time.zoneLabel + ' time (' +
          P.offsetText(offset, span.start) + ')');
        ui.root.classList.add('im-time-all');
      } else {
        var a = state.time[0];
        setText(ui.timeNow, stepText(a, time.mode));
        setText(ui.timeZone,
          config.time.zoneLabel + ' local time (' + P.offsetText(offset, a) + ')');
        ui.root.classList.remove('im-time-all');
        var k = stepOf(a, time.mode);
        if (ui.slider.value !== String(k)) { ui.slider.value = String(k); }
      }
      var events = state.evt.n ? state.nEventsVisible : 0;
      setText(ui.timeCount, (state.time === null ? 'Showing ' : 'At this time: ') + state.nVisible +
        ' of ' + state.mappedTotal + ' incidents' +
        (state.evt.n ? ', ' + events + ' of ' + config.eventsMapped + ' events' : ''));
      var unknown = meta.n - meta.knownTimes - config.unmapped;
      setText(ui.timeUnknown, unknown > 0 ? unknown + ' with unknown time always shown' : '');
      setText(ui.play, time.timer === null ? '\u25b6 Play' : '\u275a\u275a Pause');
      ui.play.setAttribute('aria-pressed', time.timer === null ? 'false' : 'true');
      // The histogram (a pass over every row, ignoring the time) waits for the next task,
      // so a filter change is drawn first.
      if (ui.histogramDeferred) { return; }
      if (ui.histogramDirty) { scheduleHistogram(); } else { drawHistogram(); }
      void span;
    }
    var scheduleHistogram = debounce(function () { drawHistogram(); }, 30);
    // Each row's first and last step in a mode, worked out once per mode (a binary
    // search per row for calendar periods): the histogram then only counts. A row
    // outside the span or of unknown time gets first > last.
    var rowSteps = {};
    function stepsOfRows(mode) {
      if (rowSteps[mode]) { return rowSteps[mode]; }
      var span = spanOf(mode), c = inc.columns, n = inc.n;
      var end = span.bounds ? span.bounds[span.steps] :
        mode === 'day' ? localMidnight(span.steps) : span.start + span.steps * span.step;
      var first = new Int32Array(n), last = new Int32Array(n);
      for (var i = 0; i < n; i++) {
        if ((c.flags[i] & Core.FLAG_UNKNOWN_TIME) || c.t1[i] <= span.start || c.t0[i] >= end) {
          first[i] = 1; last[i] = 0;
          continue;
        }
        first[i] = stepOf(c.t0[i], mode);
        last[i] = stepOf(c.t1[i] - 1, mode);
      }
      rowSteps[mode] = {first: first, last: last};
      return rowSteps[mode];
    }
    // Incidents per slider step that pass every filter but the time.
    function drawHistogram() {
      var canvas = ui.histogram;
      if (!canvas) { return; }
      var width = Math.max(120, Math.round(canvas.clientWidth || 240));
      if (canvas.width !== width) { canvas.width = width; ui.histogramDirty = true; }
      if (ui.histogramDirty || !ui.histogramCounts) {
        var span = spanOf(time.mode), c = inc.columns;
        var counts = new Float64Array(span.steps);
        if (!ui.histogramRows) { ui.histogramRows = new Uint32Array(inc.n); }
        var rows = ui.histogramRows, n = state.scan(null, rows, false);
        var steps = stepsOfRows(time.mode), first = steps.first, last = steps.last;
        for (var k = 0; k < n; k++) {
          var i = rows[k], from = first[i], to = last[i];
          for (var s = from; s <= to && s - from < 400; s++) { counts[s] += 1; }
        }
        ui.histogramCounts = counts;
        ui.histogramDirty = false;
      }
      var data = ui.histogramCounts, ctx = canvas.getContext('2d'), h = canvas.height;
      // More steps than pixels (years of days): each pixel column shows its busiest step.
      var bins = Math.min(data.length, width), per = data.length / bins;
      var bars = new Float64Array(bins), max = 1;
      for (var j = 0; j < data.length; j++) {
        var at = Math.min(bins - 1, Math.floor(j / per));
        if (data[j] > bars[at]) { bars[at] = data[j]; }
        if (data[j] > max) { max = data[j]; }
      }
      ctx.clearRect(0, 0, width, h);
      var w = width / bins, current = state.time ? stepOf(state.time[0], time.mode) : -1;
      var currentBar = current < 0 ? -1 : Math.min(bins - 1, Math.floor(current / per));
      for (var b = 0; b < bins; b++) {
        if (!bars[b] && b !== currentBar) { continue; }
        var bh = Math.max(1, Math.round((h - 2) * bars[b] / max));
        ctx.fillStyle = b === currentBar ? '#b03a2e' : '#9a958a';
        ctx.fillRect(b * w, h - bh, Math.max(1, w - 0.5), bh);
      }
    }

    // Filters section: search, types (under their ACLED type), status, precision, dates.
    var f = addSection('filters', 'Filters', true, 'im-filters');
    ui.search = el('input', 'im-search');
    ui.search.type = 'search';
    ui.search.placeholder = 'Search places and evidence\u2026';
    ui.search.setAttribute('aria-label', 'Search places and evidence');
    f.appendChild(ui.search);
    ui.searchNote = el('div', 'im-note im-search-note');
    f.appendChild(ui.searchNote);
    var runSearch = debounce(function () { search(ui.search.value); }, 250);
    ui.search.addEventListener('input', runSearch);
    function search(query) {
      setText(ui.searchNote, query ? 'searching\u2026' : '');
      ui.histogramDirty = true;
      return state.setSearch(query, function (done) {
        setText(ui.searchNote, done < 1 ? 'searching the evidence\u2026 ' + Math.round(done * 100) + '%' : '');
      }).then(function () {
        ui.histogramDirty = true;
        setText(ui.searchNote, query ? state.nVisible + ' match' + (state.nVisible !== 1 ? 'es' : '') : '');
        scheduleHash();
        return state.nVisible;
      });
    }
    var facets = {type: [], status: [], precision: []};
    function facet(kind, parent, index, label, swatch) {
      var entry = checkboxRow(parent, label, state.on[kind][index] === 1, function (checked) {
        state.on[kind][index] = checked ? 1 : 0;
        ui.histogramDirty = true;
        state.changed('filter');
      }, swatch);
      entry.index = index;
      facets[kind].push(entry);
      return entry;
    }
    var typeBox = el('div', 'im-facet');
    typeBox.appendChild(el('h3', null, 'Event type'));
    var byAcled = new Map();
    meta.types.forEach(function (type, k) {
      var key = type.acled || 'Other';
      if (!byAcled.has(key)) { byAcled.set(key, []); }
      byAcled.get(key).push(k);
    });
    byAcled.forEach(function (codes, acled) {
      typeBox.appendChild(el('div', 'im-acled', 'ACLED: ' + acled));
      codes.forEach(function (k) { facet('type', typeBox, k, meta.types[k].label, meta.types[k].colour); });
    });
    f.appendChild(typeBox);
    var statusBox = el('div', 'im-facet');
    statusBox.appendChild(el('h3', null, 'Status'));
    meta.statuses.forEach(function (s, k) { facet('status', statusBox, k, s); });
    f.appendChild(statusBox);
    var precisionBox = el('div', 'im-facet');
    precisionBox.appendChild(el('h3', null, 'Place precision'));
    meta.precisions.forEach(function (p, k) { facet('precision', precisionBox, k, p); });
    f.appendChild(precisionBox);
    if (daySpan && daySpan.steps > 1) {
      var dates = el('div', 'im-facet im-dates');
      dates.appendChild(el('h3', null, 'Dates'));
      ui.from = el('input');
      ui.to = el('input');
      [ui.from, ui.to].forEach(function (input, k) {
        input.type = 'date';
        input.min = P.isoDay(daySpan.start, offset);
        input.max = P.isoDay(localMidnight(daySpan.steps - 1), offset);
        input.setAttribute('aria-label', k ? 'to' : 'from');
        input.addEventListener('change', applyDates);
        dates.appendChild(el('span', null, k ? ' to ' : 'from '));
        dates.appendChild(input);
      });
      f.appendChild(dates);
    }
    function dayMinutes(iso) {
      var ms = Date.parse(iso + 'T00:00:00Z');
      if (!isFinite(ms)) { return null; }
      var m = Math.floor(ms / 60000);
      return m - P.offsetAt(m - P.offsetAt(m, offset), offset);
    }
    function applyDates() {
      var a = ui.from.value ? dayMinutes(ui.from.value) : null;
      var b = ui.to.value ? dayMinutes(ui.to.value) : null;
      state.range = a === null && b === null ? null :
        [a === null ? 0 : a, b === null ? Core.UNKNOWN_TIME : b + 1440];
      ui.histogramDirty = true;
      state.changed('filter');
    }

    // Sources section: grouped, counted, searchable, all/none per group.
    var sources = IncidentMapSources.build(addSection('sources', 'Sources', true, 'im-sources'),
      state, function () { ui.histogramDirty = true; state.changed('sources'); });
    var sourceRows = sources.rows;

    // Key: what the marks mean, and what is not on the map.
    var key = addSection('key', 'Key', false, 'im-key');
    var keyList = el('ul', 'im-key-list');
    [['im-key-dot', 'an incident, coloured by type (see Filters)'],
      ['im-key-vague', 'pale and dashed: placed only as a zone, district or area'],
      ['im-key-hollow', 'hollow: reported, announced, threatened or denied, not known to have happened'],
      ['im-key-ring', 'an event (the reports of one thing); the more independent sources, the bigger'],
      ['im-key-contradicted', 'casualty claims contradict'],
      ['im-key-hex', 'zoomed out: how many incidents fall in each hexagon']]
      .forEach(function (item) {
        var li = el('li');
        li.appendChild(el('span', 'im-key-mark ' + item[0]));
        li.appendChild(document.createTextNode(item[1]));
        keyList.appendChild(li);
      });
    key.appendChild(keyList);
    key.appendChild(el('div', 'im-note', 'Incidents at one place are fanned out around it; ' +
      'popups give the true position. A stack too big to fan shows its count: click it for the list.'));
    var unmapped = el('details', 'im-unmapped');
    var unmappedSummary = el('summary', null, 'not mapped: ' + config.unmapped);
    unmapped.appendChild(unmappedSummary);
    var unmappedList = el('ol');
    unmapped.appendChild(unmappedList);
    unmapped.addEventListener('toggle', function () {
      if (!unmapped.open || unmappedList.childElementCount) { return; }
      var rows = [], c = inc.columns;
      for (var i = 0; i < inc.n && rows.length < 200; i++) {
        if (c.flags[i] & Core.FLAG_UNMAPPED) { rows.push(i); }
      }
      inc.eachRow(rows, function (i, row) {
        var li = el('li');
        li.appendChild(el('b', null, meta.types[c.type[i]].label));
        li.appendChild(document.createTextNode(' \u00b7 '));
        li.appendChild(P.bdi(meta.sources[c.source[i]]));
        li.appendChild(el('br'));
        li.appendChild(P.bdi('\u201c' + (row.evidence || '') + '\u201d'));
        unmappedList.appendChild(li);
      });
    });
    key.appendChild(unmapped);
    if (state.evt.n) {
      key.appendChild(el('div', 'im-unmapped', 'events not mapped: ' +
        (state.evt.n - config.eventsMapped)));
    }
    var modeBox = el('div', 'im-view-mode');
    modeBox.appendChild(el('span', null, 'Draw: '));
    [['auto', 'auto'], ['points', 'points'], ['density', 'density']].forEach(function (m) {
      var label = el('label'), radio = el('input');
      radio.type = 'radio';
      radio.name = 'im-draw-mode';
      radio.value = m[0];
      radio.checked = m[0] === 'auto';
      radio.addEventListener('change', function () { layer.setMode(m[0]); });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(' ' + m[1] + ' '));
      modeBox.appendChild(label);
    });
    key.appendChild(modeBox);

    // Table and exports (filled when opened; exports read what is shown).
    var table = IncidentMapTable.install({map: map, state: state, tools: tools, offset: offset,
      open: function (i) { return openIncident(i, true); }});
    var fillTable = table.fill, exportRows = table.exportRows;

    // ------------------------------------------------------------ popups
    function incidentContext(i, row, ids, sharing) {
      var c = inc.columns, e = state.eventOf[i], event = null;
      if (e >= 0) {
        event = {summary: ids.evtRow.summary || ids.evtRow.event_id || 'event',
          count: state.evt.columns.memberOffsets[e + 1] - state.evt.columns.memberOffsets[e],
          mapped: !(state.evt.columns.flags[e] & Core.FLAG_UNMAPPED)};
      } else if (Core && row.event_id) {
        event = {summary: row.event_id, count: 0, mapped: false};
      }
      return {
        id: ids.inc ? ids.inc[i] : '\u2026', row: row, type: meta.types[c.type[i]], source: meta.sources[c.source[i]],
        status: meta.statuses[c.status[i]], lat: c.lat[i], lon: c.lon[i],
        known: !(c.flags[i] & Core.FLAG_UNKNOWN_TIME), t0: c.t0[i], t1: c.t1[i], offset: offset,
        sharing: sharing, event: event, openEvent: function () { openEvent(e); }
      };
    }
    var popupOptions = {maxWidth: 400, minWidth: 240, maxHeight: 440, autoPanPadding: [24, 24]};
    // Leaflet's popup is its content's width plus its own frame: the content's margins
    // (20 + 24 px), the wrapper's 1 px borders and the 1 px it adds when it measures.
    var POPUP_FRAME_PX = 48, PHONE_BAR_PX = 44, shownPopup = null;
    // The popup's widths for the map's size now: on a narrow screen it keeps inside the
    // map with its close cross, panning no further than a small margin from the edge.
    // How far down the map the controls in its top corners reach, in pixels.
    function topControlsPx() {
      var top = map.getContainer().getBoundingClientRect().top, bottom = 0;
      map.getContainer().querySelectorAll('.leaflet-top .leaflet-control').forEach(function (c) {
        bottom = Math.max(bottom, c.getBoundingClientRect().bottom - top);
      });
      return bottom;
    }
    function fitPopupOptions(settings) {
      var wanted = settings.wanted || {maxWidth: settings.maxWidth, minWidth: settings.minWidth};
      var width = map.getSize().x, pad = width < 500 ? 8 : 24;
      var room = Math.max(120, width - 2 * pad - POPUP_FRAME_PX);
      settings.wanted = wanted;
      settings.autoPanPadding = [pad, pad];
      // On a phone the bar of panel buttons covers the map's bottom edge, and a popup
      // as wide as the map would pass under the zoom and layer buttons at its top.
      var phone = window.matchMedia && window.matchMedia(PHONE).matches;
      settings.autoPanPaddingBottomRight = [pad, pad + (phone ? PHONE_BAR_PX : 0)];
      settings.autoPanPaddingTopLeft = [pad, pad + (phone ? topControlsPx() : 0)];
      settings.maxWidth = Math.min(wanted.maxWidth, room);
      settings.minWidth = Math.min(wanted.minWidth, room);
      return settings;
    }
    function showPopup(latlng, node, options) {
      var settings = fitPopupOptions(L.extend({}, popupOptions, options || {}));
      shownPopup = L.popup(settings).setLatLng(latlng).setContent(node).openOn(map);
      return shownPopup;
    }
    // A popup opened on a wide window narrows with the window (a desktop window made
    // phone-sized, a phone turned upright) and pans back inside it.
    map.on('resize', function () {
      if (!shownPopup || !map.hasLayer(shownPopup)) { return; }
      fitPopupOptions(shownPopup.options);
      shownPopup.update();
    });
    // How many shown incidents share incident i's position (a block of rows per call,
    // as IncidentMapCore's scan, so the loop stays optimised).
    function sharingOf(i) {
      var n = 0, nv = state.nVisible;
      for (var from = 0; from < nv; from += Core.BLOCK_ROWS) {
        n += countSharing(layer.incXY, state.visible, from, Math.min(nv, from + Core.BLOCK_ROWS), i);
      }
      return Math.max(n, 1);
    }
    // Build the popup element of incident i (shown or not): a promise.
    // The popup needs only its row's text chunk (and its event's): the ids, decoded in
    // the background after start-up, fill in the id line when they arrive.
    function incidentElement(i) {
      var e = state.eventOf[i];
      return Promise.all([inc.row(i), e >= 0 ? state.evt.row(e) : Promise.resolve({})])
        .then(function (r) {
          var ctx = incidentContext(i, r[0], {inc: inc.ids, evt: [], evtRow: r[1]}, sharingOf(i));
          var node = P.incidentPopup(ctx);
          if (!inc.ids) {
            var idLine = node.lastChild;
            inc.loadIds().then(function (ids) { idLine.textContent = ids[i]; });
          }
          return node;
        });
    }
    function openIncident(i, pan) {
      return incidentElement(i).then(function (node) {
        var c = inc.columns, latlng = L.latLng(c.lat[i], c.lon[i]);
        if (pan && !map.getBounds().contains(latlng)) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
        var at = layer.fanAt.get(i);
        if (at) { latlng = map.containerPointToLatLng(at); }
        showPopup(latlng, node);
        Core.markOnce('im:first-popup');
        return node;
      });
    }
    function eventElement(j) {
      var e = state.evt, offsets = e.columns.memberOffsets, members = [];
      for (var k = offsets[j]; k < offsets[j + 1]; k++) { members.push(e.columns.members[k]); }
      members.sort(function (a, b) { return a - b; });
      var texts = new Map(), c = inc.columns;
      return Promise.all([e.loadIds(), e.row(j), inc.eachRow(members, function (i, row) { texts.set(i, row); })])
        .then(function (r) {
          var row = r[1];
          return P.eventPopup({
            id: r[0][j], row: row, offset: offset, lat: e.columns.lat[j], lon: e.columns.lon[j],
            t0: e.columns.t0[j], t1: e.columns.t1[j],
            known: !(e.columns.flags[j] & Core.FLAG_UNKNOWN_TIME),
            expected: Number(row.n_incidents) || members.length,
            typeLabel: function (name) {
              var found = meta.types.filter(function (t) { return t.name === name; })[0];
              return found ? found.label : String(name);  // an event's types are its incidents'
            },
            members: members.map(function (i) {
              return {row: texts.get(i), type: meta.types[c.type[i]], source: meta.sources[c.source[i]],
                t0: c.t0[i], t1: c.t1[i], known: !(c.flags[i] & Core.FLAG_UNKNOWN_TIME)};
            })
          });
        });
    }
    function openEvent(j) {
      return eventElement(j).then(function (node) {
        var ring = layer.ringAt(j), e = state.evt.columns;
        var latlng = ring ? map.containerPointToLatLng([ring.x, ring.y - ring.r]) :
          L.latLng(e.lat[j], e.lon[j]);
        showPopup(latlng, node, {maxWidth: 460, minWidth: 300});
        return node;
      });
    }
    // A stack's popup lists this many of its incidents at most.
    var STACK_LISTED = 500;
    function openStack(hit) {
      var c = inc.columns, members = hit.stack.slice(0, STACK_LISTED);
      var node = P.stackPopup(members.map(function (i) {
        var type = meta.types[c.type[i]];
        return {i: i, label: type.label, colour: type.colour, source: meta.sources[c.source[i]],
          when: c.flags[i] & Core.FLAG_UNKNOWN_TIME ? 'time unknown' :
            P.isoDay(c.t0[i], offset) + ' ' + P.clock(c.t0[i], offset)};
      }), function (i) { openIncident(i); }, hit.stack.length);
      showPopup(map.containerPointToLatLng([hit.x, hit.y]), node);
    }
    map.on('click', function (e) {
      if (!map.hasLayer(layer)) { return; }
      var hit = layer.hitTest(e.containerPoint);
      if (!hit) { return; }
      if (hit.density) {
        map.setView(e.latlng, Math.min(map.getMaxZoom(), map.getZoom() + 2));
      } else if (hit.incident) {
        var h = hit.incident;
        if (h.stack && h.stack.length > styles.spread.max_fan) { openStack(h); } else { openIncident(h.i); }
      } else if (hit.event) {
        openEvent(hit.event.j);
      }
    });

    // Places follow the filters: a place (and its uncertainty circle) is drawn while a
    // shown incident is there, and taken off the map otherwise.
    var placeUsed = new Uint8Array(meta.places.length), placeShapes = [];
    if (options.places) {
      options.places.eachLayer(function (group) {
        if (!group.eachLayer) { return; }
        group.eachLayer(function (shape) {
          var p = shape.feature && shape.feature.properties;
          var code = p && p.place_id ? meta.places.indexOf(p.place_id) : -1;
          if (code >= 0) { placeShapes.push({shape: shape, code: code, group: group, shown: true}); }
        });
      });
    }
    function filterPlaces() {
      if (!placeShapes.length) { return; }
      var nv = state.nVisible;
      placeUsed.fill(0);
      for (var from = 0; from < nv; from += Core.BLOCK_ROWS) {
        markPlaces(inc.columns.place, state.visible, from, Math.min(nv, from + Core.BLOCK_ROWS), placeUsed);
      }
      var everything = state.nVisible === state.mappedTotal;
      placeShapes.forEach(function (entry) {
        var show = everything || placeUsed[entry.code] === 1;
        if (entry.shown === show) { return; }
        entry.shown = show;
        if (show) { entry.group.addLayer(entry.shape); } else { entry.group.removeLayer(entry.shape); }
      });
    }
    /** The place_ids of the places drawn now (for tests and scripts). */
    function placesShown() {
      var out = new Set();
      placeShapes.forEach(function (entry) {
        if (entry.shown && entry.shape._map) { out.add(meta.places[entry.code]); }
      });
      return Array.from(out).sort();
    }

    // ------------------------------------------------------------ counts and redraw
    function renderCounts() {
      var counts = state.counts;
      ['type', 'status', 'precision'].forEach(function (kind) {
        facets[kind].forEach(function (entry) { setText(entry.count, String(counts[kind][entry.index])); });
      });
      sources.renderCounts();
      setText(ui.summary, state.nVisible + ' of ' + state.mappedTotal + ' mapped incidents shown' +
        (state.evt.n ? ' \u00b7 ' + state.nEventsVisible + ' events' : '') +
        (config.unmapped ? ' \u00b7 ' + config.unmapped + ' not mapped' : ''));
    }
    var stats = {lastEvaluateMs: 0, lastDrawMs: 0};
    state.onChange(function () {
      var started = performance.now();
      layer.redraw();
      stats.lastDrawMs = layer.lastDrawMs;
      stats.lastEvaluateMs = state.lastEvaluateMs;
      renderCounts();
      renderTime();
      filterPlaces();
      fillTable();
      scheduleHash();
      stats.lastChangeMs = performance.now() - started;
    });

    // ------------------------------------------------------------ URL hash
    var applyingHash = false, lastHash = null;
    function namesOf(kind, list) {
      var on = state.on[kind], offNames = [], onNames = [];
      for (var k = 0; k < on.length; k++) { (on[k] ? onNames : offNames).push(list[k]); }
      if (!offNames.length) { return null; }
      return onNames.length < offNames.length ? '+' + onNames.map(encodeURIComponent).join(',') :
        '-' + offNames.map(encodeURIComponent).join(',');
    }
    function typeNames() { return meta.types.map(function (t) { return t.name; }); }
    function writeHash() {
      if (applyingHash) { return; }
      var c = map.getCenter(), parts = ['v=' + map.getZoom() + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5)];
      if (state.time !== null) { parts.push('t=' + time.mode + ':' + state.time[0]); }
      var src = namesOf('source', meta.sources);
      if (src) { parts.push('src=' + src); }
      var ty = namesOf('type', typeNames());
      if (ty) { parts.push('type=' + ty); }
      var st = namesOf('status', meta.statuses);
      if (st) { parts.push('status=' + st); }
      var pr = namesOf('precision', meta.precisions);
      if (pr) { parts.push('prec=' + pr); }
      if (state.search.query) { parts.push('q=' + encodeURIComponent(state.search.query)); }
      if (ui.from && ui.from.value) { parts.push('from=' + ui.from.value); }
      if (ui.to && ui.to.value) { parts.push('to=' + ui.to.value); }
      var layers = [];
      if (!state.layers.incidents) { layers.push('-incidents'); }
      if (state.layers.other) { layers.push('other'); }
      if (state.evt.n && !state.layers.events) { layers.push('-events'); }
      if (layers.length) { parts.push('layers=' + layers.join(',')); }
      var hash = '#' + parts.join('&');
      lastHash = hash.slice(1);
      if (location.hash !== hash) { history.replaceState(null, '', hash); }
    }
    var scheduleHash = debounce(writeHash, 150);
    map.on('moveend', scheduleHash);
    function readNames(kind, list, value, boxes) {
      var on = state.on[kind];
      if (!value) { on.fill(1); } else {
        var names = value.slice(1).split(',').map(decodeURIComponent), set = new Set(names);
        var keep = value[0] === '+';
        for (var k = 0; k < on.length; k++) { on[k] = (set.has(list[k]) === keep) ? 1 : 0; }
      }
      boxes.forEach(function (entry) { if (entry) { entry.box.checked = on[entry.index] === 1; } });
    }
    function applyHash() {
      var text = location.hash.replace(/^#/, '');
      if (!text) { return Promise.resolve(); }
      var params = {};
      text.split('&').forEach(function (pair) {
        var at = pair.indexOf('=');
        if (at > 0) { params[pair.slice(0, at)] = pair.slice(at + 1); }
      });
      applyingHash = true;
      try {
        if (params.v) {
          var v = params.v.split('/').map(Number);
          if (v.length === 3 && v.every(isFinite)) { map.setView([v[1], v[2]], v[0], {animate: false}); }
        }
        readNames('source', meta.sources, params.src, sourceRows);
        readNames('type', typeNames(), params.type, facets.type);
        readNames('status', meta.statuses, params.status, facets.status);
        readNames('precision', meta.precisions, params.prec, facets.precision);
        var layers = (params.layers || '').split(',');
        setLayer(layer, layers.indexOf('-incidents') < 0);
        setLayer(otherToggle, layers.indexOf('other') >= 0);
        if (state.evt.n) { setLayer(eventsToggle, layers.indexOf('-events') < 0); }
        if (ui.from) {
          ui.from.value = params.from || '';
          ui.to.value = params.to || '';
          applyDates();
        }
        stop();
        if (params.t) {
          var t = params.t.split(':'), mode = spanOf(t[0]) ? t[0] : 'clock';
          var minute = Number(t[1]);
          if (isFinite(minute) && spanOf(mode)) {
            time.mode = mode;
            buildSlider();
            var radios = root.querySelectorAll('input[name=im-time-mode]');
            Array.prototype.forEach.call(radios, function (r) { r.checked = r.value === mode; });
            time.step = stepOf(minute, mode);
            state.time = mode === 'clock' ? [minute, minute + 1] : queryFor(mode, time.step);
          }
        } else { time.step = null; state.time = null; }
        var q = params.q ? decodeURIComponent(params.q) : '';
        ui.search.value = q;
        ui.histogramDirty = true;
        state.changed('hash');
        return q !== state.search.query ? search(q) : Promise.resolve();
      } finally {
        applyingHash = false;
      }
    }
    function setLayer(l, on) {
      if (on && !map.hasLayer(l)) { map.addLayer(l); } else if (!on && map.hasLayer(l)) { map.removeLayer(l); }
    }
    window.addEventListener('hashchange', function () { applyHash(); });

    // ------------------------------------------------------------ the page API
    function idsNow(table, shown, count) {
      var ids = table.ids;
      if (!ids) { throw new Error('ids are still loading: await incidentMap.ready'); }
      var out = new Array(count);
      for (var k = 0; k < count; k++) { out[k] = ids[shown[k]]; }
      return out;
    }
    function setFacet(kind, list, value, boxes) {
      var on = state.on[kind];
      if (value === null || value === undefined) { return; }
      var wanted = new Set(Array.isArray(value) ? value : [value]);
      for (var k = 0; k < on.length; k++) { on[k] = wanted.has(list[k]) ? 1 : 0; }
      boxes.forEach(function (entry) { entry.box.checked = on[entry.index] === 1; });
    }
    L.extend(api, {
      map: map, layer: layer, state: state, config: config, stats: stats, places: options.places,
      /** The incident_ids drawn now (after the layers, sources, filters, search and time),
       *  in time order. */
      drawnIds: function () { return layer._map ? idsNow(inc, state.visible, state.nVisible) : []; },
      placeIds: placesShown,
      /** The event_ids drawn now. */
      eventIds: function () {
        var shown = [], e = state.evt;
        for (var j = 0; j < e.n; j++) { if (state.eventVisible[j]) { shown.push(j); } }
        return e.ids ? shown.map(function (j) { return e.ids[j]; }) : [];
      },
      /** Show one moment (ISO 8601 text or epoch ms), or every time with null. */
      setTime: setTime,
      getTime: function () { return state.time === null ? null : state.time[0] * 60000; },
      setTimeMode: function (mode) {
        if (!spanOf(mode)) { throw new Error('no ' + mode + ' mode for this map'); }
        var radios = root.querySelectorAll('input[name=im-time-mode]');
        Array.prototype.forEach.call(radios, function (r) { r.checked = r.value === mode; });
        time.mode = mode;
        buildSlider();
        setStep(state.time === null ? null : stepOf(state.time[0], mode));
      },
      timeMode: function () { return time.mode; },
      play: play,
      pause: function () { stop(); renderTime(); },
      playing: function () { return time.timer !== null; },
      /** Turn sources on or off by name: {name: bool}; names not given keep their state. */
      setSources: function (wanted) {
        Object.keys(wanted).forEach(function (name) {
          var k = meta.sources.indexOf(name);
          if (k < 0) { throw new Error('no source named ' + name); }
          state.on.source[k] = wanted[name] ? 1 : 0;
          if (sourceRows[k]) { sourceRows[k].box.checked = !!wanted[name]; }
        });
        ui.histogramDirty = true;
        state.changed('sources');
      },
      /** Filters: {types: [...], statuses: [...], precisions: [...], from: 'YYYY-MM-DD',
       *  to: 'YYYY-MM-DD', search: text, other: bool, events: bool}. Omitted keys keep theirs. */
      setFilter: function (filter) {
        setFacet('type', typeNames(), filter.types, facets.type);
        setFacet('status', meta.statuses, filter.statuses, facets.status);
        setFacet('precision', meta.precisions, filter.precisions, facets.precision);
        if (filter.other !== undefined) { setLayer(otherToggle, !!filter.other); }
        if (filter.events !== undefined && state.evt.n) { setLayer(eventsToggle, !!filter.events); }
        if (ui.from && (filter.from !== undefined || filter.to !== undefined)) {
          if (filter.from !== undefined) { ui.from.value = filter.from || ''; }
          if (filter.to !== undefined) { ui.to.value = filter.to || ''; }
          applyDates();
        }
        ui.histogramDirty = true;
        state.changed('filter');
        if (filter.search !== undefined) {
          ui.search.value = filter.search || '';
          return search(filter.search || '');
        }
        return Promise.resolve(state.nVisible);
      },
      /** Open the popup of the k-th drawn incident (time order), as a click on it does. */
      openDrawn: function (k) {
        if (k < 0 || k >= state.nVisible) { return Promise.reject(new Error('no drawn incident ' + k)); }
        return openIncident(state.visible[k], false);
      },
      /** Open the popup of an incident by id; resolves to the popup element. */
      openPopup: function (incidentId) {
        return inc.loadIds().then(function () {
          var i = inc.indexOf(incidentId);
          if (i < 0) { throw new Error('no incident ' + incidentId); }
          return openIncident(i, true);
        });
      },
      openEvent: function (eventId) {
        return state.evt.loadIds().then(function () {
          var j = state.evt.indexOf(eventId);
          if (j < 0) { throw new Error('no event ' + eventId); }
          return openEvent(j);
        });
      },
      /** Popup elements without opening them (for checks over every row). */
      incidentElement: incidentElement,
      eventElement: eventElement,
      /** Where incident (by id) is drawn now, as a page point [x, y], or null. */
      screenPoint: function (incidentId) {
        var i = inc.indexOf(incidentId);
        if (i < 0) { return null; }
        var p = layer.screenPoint(i), box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
      },
      ringPoint: function (eventId) {
        var j = state.evt.indexOf(eventId);
        var ring = j < 0 ? null : layer.ringAt(j);
        if (!ring) { return null; }
        var box = map.getContainer().getBoundingClientRect();
        return [box.left + ring.x, box.top + ring.y, ring.r];
      },
      /** The RGBA of the layer's canvas at a container point. */
      pixel: function (x, y) {
        var ratio = window.devicePixelRatio || 1;
        return Array.from(layer.ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data);
      },
      /** Is an incident, event or density cell drawn at this container point? */
      hitAt: function (point) { return map.hasLayer(layer) && layer.hitTest(point) !== null; },
      drawMode: function () { return layer.drawnMode; },
      setDrawMode: function (mode) { layer.setMode(mode); },
      counts: function () {
        var out = {sources: {}, types: {}, statuses: {}, precisions: {}};
        meta.sources.forEach(function (n, k) { out.sources[n] = state.counts.source[k]; });
        meta.types.forEach(function (t, k) { out.types[t.name] = state.counts.type[k]; });
        meta.statuses.forEach(function (n, k) { out.statuses[n] = state.counts.status[k]; });
        meta.precisions.forEach(function (n, k) { out.precisions[n] = state.counts.precision[k]; });
        return out;
      },
      search: search,
      exportText: exportRows
    });
    buildSlider();
    Core.markOnce('im:panel');
    state.starting = false;
    state.evaluate();
    renderCounts();
    renderTime();
    layer.redraw();
    stats.installMs = [installStarted, performance.now()];
    stats.drawnAt = performance.now();
    api.drawn = true;
    Core.markOnce('im:drawn');
    // Scripts that wait for the map hear it at once (no polling): see the README.
    window.dispatchEvent(new CustomEvent('incidentmap:drawn', {detail: api}));
    // The ids (for the API, the table's exports and the popups' id line) are decoded
    // once the map is drawn and the page is idle.
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 1); };
    // The histogram: when the page is first idle, and at the latest before it is ready.
    function drawDeferredHistogram() {
      if (!ui.histogramDeferred) { return; }
      ui.histogramDeferred = false;
      ui.histogramDirty = true;
      drawHistogram();
      Core.markOnce('im:histogram');
    }
    idle(drawDeferredHistogram, {timeout: 1000});
    return new Promise(function (resolve) { idle(resolve, {timeout: 300}); }).then(function () {
      drawDeferredHistogram();
      return Promise.all([inc.loadIds(), state.evt.loadIds()]);
    }).then(function () {
      return location.hash.replace(/^#/, '') === lastHash ? null : applyHash();
    }).then(function () {
      api.ready = true;
      Core.markOnce('im:ready');
      window.dispatchEvent(new CustomEvent('incidentmap:ready', {detail: api}));
      stats.readyAt = performance.now();
      return api;
    });
  }

  return {install: install};
})();
