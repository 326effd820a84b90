/* incident-mapper: popups, built as DOM nodes with textContent only, and the small DOM
 * helpers the panels share.
 *
 * Report text (evidence, names, titles, claims, urls) is untrusted: it never
 * becomes HTML. A report link is made only from an absolute http(s) address.
 */
/* exported IncidentMapPopups */
var IncidentMapPopups = (function () {
  'use strict';
  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov',
    'Dec'];
  var SOURCE_KIND = {news: 'news outlet', social: 'social-media post'};

  // Direction controls (embeddings, overrides, isolates, marks) in report text are shown,
  // not obeyed: "@abc\u202Efdp" would otherwise display as "@abcpdf".
  var BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function visible(text) {
    return text.replace(BIDI_CONTROLS, function (c) {
      return '\u27E8U+' + c.charCodeAt(0).toString(16).toUpperCase() + '\u27E9';
    });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = visible(String(text)); }
    return node;
  }
  function bdi(text) { return el('bdi', null, text); }
  function present(v) {
    return v !== null && v !== undefined && !(typeof v === 'number' && isNaN(v)) &&
      String(v).trim() !== '';
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // The zone's offset (minutes) at a moment: ``offset`` is a fixed number, or the
  // pack's rules from Python ({initial, changes: [[fromMinute, offset], ...]}).
  function offsetAt(minutes, offset) {
    if (typeof offset === 'number') { return offset; }
    var changes = offset.changes, lo = 0, hi = changes.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (changes[mid][0] <= minutes) { lo = mid + 1; } else { hi = mid; }
    }
    return lo ? changes[lo - 1][1] : offset.initial;
  }
  function local(minutes, offset) {
    return new Date((minutes + offsetAt(minutes, offset)) * 60000);
  }
  function isoDay(minutes, offset) {
    var d = local(minutes, offset);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }
  function clock(minutes, offset) {
    var d = local(minutes, offset);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  function dayText(minutes, offset) {
    var d = local(minutes, offset);
    return DAYS[d.getUTCDay()] + ' ' + d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' +
      d.getUTCFullYear();
  }
  function monthText(minutes, offset) {
    var d = local(minutes, offset);
    return MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }
  function offsetText(offset, minutes) {
    var o = offsetAt(minutes, offset), m = Math.abs(o);
    return 'UTC' + (o < 0 ? '-' : '+') + pad(Math.floor(m / 60)) + ':' + pad(m % 60);
  }
  // An incident's or event's local time for people, from its window (minutes).
  function whenText(row, t0, t1, known, offset) {
    var precision = row.time_precision || 'unknown';
    if (known && (precision === 'hour' || precision === 'part_of_day')) {
      var text = isoDay(t0, offset) + ' ' + clock(t0, offset);
      if (t1 > t0) {
        text += '\u2013' + (isoDay(t1, offset) === isoDay(t0, offset) ? clock(t1, offset) :
          isoDay(t1, offset) + ' ' + clock(t1, offset));
      }
      return text + ' (' + offsetText(offset, t0) + ')';
    }
    if (precision === 'month') {
      if (row.date) { return String(row.date).slice(0, 7); }
      return known ? isoDay(t0, offset).slice(0, 7) : 'date unknown';
    }
    if (row.date) { return String(row.date); }
    return known ? isoDay(t0, offset) : 'date unknown';
  }
  function safeHref(url) {
    if (typeof url !== 'string') { return null; }
    var candidate = url.trim();
    if (!candidate || /[\s\u0000-\u001f\u007f]/.test(candidate)) { return null; }
    if (!/^https?:\/\//i.test(candidate)) { return null; }
    try {
      var parsed = new URL(candidate);
      if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.host) {
        return null;
      }
    } catch (error) { return null; }
    return candidate;
  }
  function reportName(report) {
    if (!report) { return 'report'; }
    var parts = String(report).replace(/\\/g, '/').split('/');
    return parts[parts.length - 1] || String(report);
  }
  function reportNode(row) {
    var name = reportName(row.report), href = safeHref(row.url);
    if (href) {
      var a = el('a', null, name);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      return a;
    }
    var span = el('span', null, name);
    if (present(row.url)) {
      var muted = el('span', 'im-muted', ' (not a web link: ');
      muted.appendChild(bdi(row.url));
      muted.appendChild(document.createTextNode(')'));
      span.appendChild(muted);
    }
    return span;
  }
  function metres(v) {
    if (!present(v)) { return null; }
    v = Number(v);
    return v >= 1000 ? '\u00b1' + (v / 1000).toFixed(1) + ' km' : '\u00b1' + Math.round(v) + ' m';
  }
  function joined(parts, sep) {
    return parts.filter(function (p) { return present(p); }).join(sep || ' \u00b7 ');
  }
  function addRow(table, label, content) {
    if (content === null || content === undefined || content === '') { return; }
    var tr = el('tr');
    tr.appendChild(el('th', null, label));
    var td = el('td');
    if (typeof content === 'string') { td.textContent = content; } else { td.appendChild(content); }
    tr.appendChild(td);
    table.appendChild(tr);
  }
  function span() {
    var s = el('span');
    for (var i = 0; i < arguments.length; i++) {
      var part = arguments[i];
      if (part === null || part === undefined || part === '') { continue; }
      s.appendChild(typeof part === 'string' ? document.createTextNode(part) : part);
    }
    return s;
  }
  function listText(value) {
    if (Array.isArray(value)) { return value.filter(present).map(String).join(', '); }
    return present(value) ? String(value) : '';
  }

  // ctx: {meta, offset, i, row, type, source, sourceGroup, status, lat, lon, known, t0, t1,
  //       sharing, event: {summary, count, id} | null, openEvent(fn)}
  function incidentPopup(ctx) {
    var row = ctx.row, root = el('div', 'im-popup im-incident');
    var h3 = el('h3', null, ctx.type.label);
    h3.style.borderLeftColor = ctx.type.colour;
    var acled = joined([row.sub_event_type, row.acled_event_type], ' / ');
    if (acled) { h3.appendChild(el('span', 'im-muted', ' (ACLED: ' + acled + ')')); }
    root.appendChild(h3);
    if (present(row.title)) { root.appendChild(el('div', 'im-title', row.title)); }
    var table = el('table');
    var precision = row.time_precision || 'unknown';
    addRow(table, 'When', span(whenText(row, ctx.t0, ctx.t1, ctx.known, ctx.offset),
      el('span', 'im-muted', ' (precision: ' + precision.replace(/_/g, ' ') + ')')));
    if (ctx.status !== 'happened') {
      addRow(table, 'Status', el('b', 'im-status', ctx.status));
    }
    var where = el('span');
    where.appendChild(present(row.place_name) ? bdi(row.place_name) :
      document.createTextNode('place unknown'));
    if (present(row.place_id)) { where.appendChild(el('span', 'im-muted', ' ' + row.place_id)); }
    var how = joined([
      present(row.geo_precision) ? 'precision: ' + row.geo_precision : null,
      metres(row.uncertainty_m),
      present(row.resolved_by) ? 'resolved by: ' + row.resolved_by : null,
      present(row.place_basis) ? 'from the ' + String(row.place_basis).replace(/_/g, ' ') : null
    ]);
    if (how) { where.appendChild(el('br')); where.appendChild(document.createTextNode(how)); }
    var position = ctx.lat.toFixed(5) + ', ' + ctx.lon.toFixed(5);
    if (ctx.sharing > 1) {
      position += ' \u00b7 true position, shared by ' + ctx.sharing +
        ' incidents: their markers are fanned out around it';
    }
    where.appendChild(el('br'));
    where.appendChild(el('span', 'im-muted', position));
    addRow(table, 'Where', where);
    var kind = SOURCE_KIND[row.source_type] || row.source_type;
    var source = span(el('b', null, null));
    source.firstChild.appendChild(bdi(ctx.source));
    if (present(row.via)) { source.appendChild(document.createTextNode(' via ')); source.appendChild(bdi(row.via)); }
    if (present(kind)) { source.appendChild(el('span', 'im-muted', ' ' + kind)); }
    addRow(table, 'Source', source);
    var actors = listText(row.actors);
    if (actors) { addRow(table, 'Actors', bdi(actors)); }
    if (present(row.weapon)) { addRow(table, 'Weapon', bdi(row.weapon)); }
    if (present(row.target)) { addRow(table, 'Target', bdi(row.target)); }
    var claim = joined([
      joined([present(row.killed) ? 'killed: ' + row.killed : null,
        present(row.injured) ? 'injured: ' + row.injured : null]),
      present(row.casualty_text) ? '\u201c' + row.casualty_text + '\u201d' : null,
      present(row.claimed_by) ? 'claimed by ' + row.claimed_by : null,
      present(row.claim_status) ? 'status: ' + row.claim_status : null,
      row.scope === 'cumulative' ? 'a cumulative toll, not this incident alone' : null
    ]);
    if (claim) { addRow(table, 'Casualties', bdi(claim)); }
    addRow(table, 'Report', reportNode(row));
    if (ctx.event) {
      var ev = span(bdi(ctx.event.summary));
      if (ctx.event.mapped) {
        var button = el('button', 'im-event-link',
          (ctx.event.count !== 1 ? 'every account' : 'its account') + ' (' + ctx.event.count + ')');
        button.type = 'button';
        button.addEventListener('click', function (e) { e.stopPropagation(); ctx.openEvent(); });
        ev.appendChild(document.createTextNode(' '));
        ev.appendChild(button);
      }
      addRow(table, 'Event', ev);
    }
    root.appendChild(table);
    if (present(row.evidence)) {
      var quote = el('blockquote', null, row.evidence);
      quote.dir = 'auto';
      quote.style.borderLeftColor = ctx.type.colour;
      root.appendChild(quote);
    }
    root.appendChild(el('div', 'im-muted im-id', ctx.id));
    return root;
  }

  // A list of the incidents stacked at one place (`total` of them; `items`, the first
  // of them, are listed): each line opens its popup.
  function stackPopup(items, open, total) {
    var root = el('div', 'im-popup im-stack');
    total = total === undefined ? items.length : total;
    root.appendChild(el('h3', null, total + ' incidents at this place'));
    if (items.length < total) {
      root.appendChild(el('div', 'im-muted', 'The first ' + items.length +
        ' are listed; the table of shown incidents has them all.'));
    }
    var list = el('ol', 'im-stack-list');
    items.forEach(function (item) {
      var li = el('li');
      var button = el('button', 'im-stack-item', null);
      button.type = 'button';
      var swatch = el('span', 'im-swatch');
      swatch.style.background = item.colour;
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(item.label + ' \u00b7 '));
      button.appendChild(bdi(item.source));
      button.appendChild(el('span', 'im-muted', ' ' + item.when));
      button.addEventListener('click', function (e) { e.stopPropagation(); open(item.i); });
      li.appendChild(button);
      list.appendChild(li);
    });
    root.appendChild(list);
    return root;
  }

  // ctx: {row (event text), members: [{row, type, source, t0, t1, known}], offset,
  //       t0, t1, known, lat, lon, typeLabel(name)}
  function eventPopup(ctx) {
    var row = ctx.row, root = el('div', 'im-popup im-event');
    var types = Array.isArray(row.event_types) ? row.event_types : [];
    var labels = types.map(ctx.typeLabel);
    var h3 = el('h3', null, 'Event: ' + (labels.join(', ') || 'unknown'));
    h3.style.borderLeftColor = row.contradicted ? '#d00000' : '#1d1d1b';
    root.appendChild(h3);
    var table = el('table');
    var precision = row.time_precision || 'unknown';
    addRow(table, 'When', span(whenText(row, ctx.t0, ctx.t1, ctx.known, ctx.offset),
      el('span', 'im-muted', ' (precision: ' + precision.replace(/_/g, ' ') + ')')));
    var where = span(present(row.place_name) ? bdi(row.place_name) : 'place unknown',
      present(row.place_id) ? el('span', 'im-muted', ' ' + row.place_id) : null);
    var how = joined([present(row.geo_precision) ? 'precision: ' + row.geo_precision : null,
      metres(row.uncertainty_m), ctx.lat.toFixed(5) + ', ' + ctx.lon.toFixed(5)]);
    where.appendChild(document.createTextNode(' \u00b7 ' + how));
    addRow(table, 'Where', where);
    var sources = Array.isArray(row.sources) ? row.sources : [];
    var nSources = present(row.n_sources) ? Number(row.n_sources) : sources.length;
    var counted = nSources + ' source' + (nSources !== 1 ? 's' : '');
    if (present(row.n_independent_sources)) { counted += ' (' + row.n_independent_sources + ' independent)'; }
    addRow(table, 'Sources', span(counted, sources.length ? ': ' : '', bdi(sources.join(', '))));
    root.appendChild(table);
    var claims = Array.isArray(row.claims) ? row.claims : [];
    if (claims.length) {
      root.appendChild(el('h4', null, 'Casualty claims (' + claims.length + ')'));
      if (row.contradicted) {
        root.appendChild(el('div', 'im-contradict',
          '\u26a0 These casualty claims contradict each other (shown side by side, never averaged).'));
      }
      var ct = el('table', 'im-claims'), head = el('tr');
      ['Claimant', 'Killed', 'Injured', 'Status', 'Reported by'].forEach(function (h) {
        head.appendChild(el('th', null, h));
      });
      ct.appendChild(head);
      claims.forEach(function (c) {
        var tr = el('tr');
        var claimant = el('td');
        if (present(c.claimed_by)) { claimant.appendChild(bdi(c.claimed_by)); } else {
          claimant.appendChild(bdi(c.source || 'unknown source'));
          claimant.appendChild(el('span', 'im-muted', ' (own figure)'));
        }
        tr.appendChild(claimant);
        tr.appendChild(el('td', 'im-num', present(c.killed) ? c.killed : '\u2013'));
        tr.appendChild(el('td', 'im-num', present(c.injured) ? c.injured : '\u2013'));
        tr.appendChild(el('td', null, present(c.claim_status) ? c.claim_status : '\u2013'));
        var by = el('td');
        by.appendChild(bdi(c.source || 'unknown source'));
        tr.appendChild(by);
        ct.appendChild(tr);
        if (present(c.casualty_text)) {
          var wording = el('tr', 'im-wording'), td = el('td');
          td.colSpan = 5;
          td.appendChild(bdi('\u201c' + c.casualty_text + '\u201d'));
          wording.appendChild(td);
          ct.appendChild(wording);
        }
      });
      root.appendChild(ct);
    }
    // Each source's account: its sentences, grouped by source.
    var bySource = new Map();
    sources.forEach(function (s) { bySource.set(String(s), []); });
    ctx.members.forEach(function (m) {
      var key = m.source;
      if (!bySource.has(key)) { bySource.set(key, []); }
      bySource.get(key).push(m);
    });
    var accounts = el('ol', 'im-accounts'), nAccounts = 0;
    bySource.forEach(function (members, source) {
      if (!members.length) { return; }
      nAccounts += 1;
      var li = el('li'), heading = el('b');
      heading.appendChild(bdi(source));
      li.appendChild(heading);
      var vias = members.map(function (m) { return m.row.via; }).filter(present);
      if (vias.length) { li.appendChild(span(' via ', bdi(Array.from(new Set(vias)).join(', ')))); }
      li.appendChild(el('span', 'im-muted', ' ' + members.length + ' sentence' +
        (members.length !== 1 ? 's' : '')));
      var ul = el('ul', 'im-sentences');
      members.forEach(function (m) {
        var item = el('li'), swatch = el('span', 'im-swatch');
        swatch.style.background = m.type.colour;
        item.appendChild(swatch);
        item.appendChild(el('b', null, m.type.label));
        item.appendChild(document.createTextNode(' \u00b7 ' +
          whenText(m.row, m.t0, m.t1, m.known, ctx.offset)));
        if (present(m.row.place_name) && m.row.place_name !== row.place_name) {
          item.appendChild(document.createTextNode(' \u00b7 '));
          item.appendChild(bdi(m.row.place_name));
        }
        var report = el('span', 'im-muted');
        report.appendChild(document.createTextNode(' \u00b7 '));
        report.appendChild(reportNode(m.row));
        item.appendChild(report);
        if (present(m.row.evidence)) {
          var quote = el('blockquote', null, m.row.evidence);
          quote.dir = 'auto';
          item.appendChild(quote);
        }
        ul.appendChild(item);
      });
      li.appendChild(ul);
      accounts.appendChild(li);
    });
    root.appendChild(el('h4', null, 'Accounts (' + ctx.members.length + ' from ' + nAccounts +
      ' source' + (nAccounts !== 1 ? 's' : '') + ')'));
    root.appendChild(accounts);
    var missing = (ctx.expected || 0) - ctx.members.length;
    if (missing > 0) {
      root.appendChild(el('div', 'im-muted', missing + ' member incident(s) not in the incident table'));
    }
    root.appendChild(el('div', 'im-muted', ctx.id));
    return root;
  }

  function checkboxRow(parent, label, checked, onChange, swatch) {
    var row = el('label', 'im-check');
    var box = el('input');
    box.type = 'checkbox';
    box.checked = checked;
    box.addEventListener('change', function () { onChange(box.checked); });
    row.appendChild(box);
    if (swatch) {
      var s = el('span', 'im-swatch');
      s.style.background = swatch;
      row.appendChild(s);
    }
    var name = el('bdi', 'im-name', label);
    row.appendChild(name);
    var count = el('span', 'im-count', '');
    row.appendChild(count);
    parent.appendChild(row);
    return {row: row, box: box, count: count, name: label};
  }
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }
  return {
    checkboxRow: checkboxRow, setText: setText, debounce: debounce,
    el: el, bdi: bdi, incidentPopup: incidentPopup, eventPopup: eventPopup,
    stackPopup: stackPopup, whenText: whenText, safeHref: safeHref, clock: clock,
    dayText: dayText, monthText: monthText, isoDay: isoDay, offsetText: offsetText,
    offsetAt: offsetAt, present: present
  };
})();
