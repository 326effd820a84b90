/* incident-mapper: the table of the shown incidents (200 at a time, by time, either
 * way; a row opens its popup) and "export what I see" as GeoJSON and CSV downloads
 * made in the page. Text goes in as textContent; CSV cells a spreadsheet would run as
 * a formula get an apostrophe, as in incidents.csv.
 */
/* exported IncidentMapTable */
/* global L, IncidentMapCore, IncidentMapPopups */
var IncidentMapTable = (function () {
  'use strict';
  var Core = IncidentMapCore, P = IncidentMapPopups, el = P.el, setText = P.setText;

  function download(name, type, text) {
    var blob = new Blob([text], {type: type}), url = URL.createObjectURL(blob);
    var a = el('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }
  function csvCell(v) {
    if (v === null || v === undefined) { return ''; }
    if (Array.isArray(v) || typeof v === 'object') { v = JSON.stringify(v); }
    var s = String(v);
    // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // ctx: {map, state, tools (the panel's button row), offset, open(i)}
  function install(ctx) {
    var map = ctx.map, state = ctx.state, tools = ctx.tools, offset = ctx.offset;
    var inc = state.inc, meta = state.config.incidents, info;
    var tableButton = el('button', 'im-table-button', 'Table of shown incidents');
    tableButton.type = 'button';
    var geojsonButton = el('button', 'im-export-geojson', 'Export GeoJSON');
    geojsonButton.type = 'button';
    var csvButton = el('button', 'im-export-csv', 'Export CSV');
    csvButton.type = 'button';
    tools.appendChild(tableButton);
    tools.appendChild(geojsonButton);
    tools.appendChild(csvButton);
    var drawer = L.DomUtil.create('div', 'im-drawer', map.getContainer());
    L.DomEvent.disableClickPropagation(drawer);
    L.DomEvent.disableScrollPropagation(drawer);
    drawer.hidden = true;
    var drawerHead = el('div', 'im-drawer-head');
    info = el('span', 'im-table-info');
    var close = el('button', 'im-drawer-close', '\u00d7 close');
    close.type = 'button';
    drawerHead.appendChild(info);
    drawerHead.appendChild(close);
    drawer.appendChild(drawerHead);
    var tableWrap = el('div', 'im-table-wrap');
    var table = el('table', 'im-table');
    var thead = el('thead'), headRow = el('tr');
    var sortButton = el('button', 'im-sort', 'Time \u25b2');
    sortButton.type = 'button';
    var th = el('th');
    th.appendChild(sortButton);
    headRow.appendChild(th);
    ['Type', 'Status', 'Source', 'Place', 'Evidence'].forEach(function (h) { headRow.appendChild(el('th', null, h)); });
    thead.appendChild(headRow);
    table.appendChild(thead);
    var tbody = el('tbody');
    table.appendChild(tbody);
    tableWrap.appendChild(table);
    drawer.appendChild(tableWrap);
    var tableState = {open: false, descending: false, limit: 200};
    tableButton.addEventListener('click', function () {
      tableState.open = drawer.hidden;
      drawer.hidden = !tableState.open;
      if (tableState.open) { fillTable(); }
    });
    close.addEventListener('click', function () { tableState.open = false; drawer.hidden = true; });
    sortButton.addEventListener('click', function () {
      tableState.descending = !tableState.descending;
      setText(sortButton, 'Time ' + (tableState.descending ? '\u25bc' : '\u25b2'));
      fillTable();
    });
    function shownIndexes() {
      return Array.prototype.slice.call(state.visible, 0, state.nVisible);
    }
    var tableToken = 0;
    function fillTable() {
      if (!tableState.open) { return Promise.resolve(); }
      // Only the page's rows are taken from the shown ones (a million shown rows never
      // become an array here).
      var token = ++tableToken, nv = state.nVisible, c = inc.columns;
      var size = Math.min(nv, tableState.limit);
      var page = Array.prototype.slice.call(tableState.descending ?
        state.visible.subarray(nv - size, nv) : state.visible.subarray(0, size));
      if (tableState.descending) { page.reverse(); }
      setText(info, 'Showing ' + page.length + ' of ' + nv +
        ' shown incidents, by time' + (tableState.descending ? ' (latest first)' : ''));
      var ordered = page.slice().sort(function (a, b) { return a - b; });
      var texts = new Map();
      return inc.eachRow(ordered, function (i, row) { texts.set(i, row); }).then(function () {
        if (token !== tableToken) { return; }
        tbody.textContent = '';
        page.forEach(function (i) {
          var row = texts.get(i), tr = el('tr'), type = meta.types[c.type[i]];
          tr.dataset.index = String(i);
          var known = !(c.flags[i] & Core.FLAG_UNKNOWN_TIME);
          tr.appendChild(el('td', 'im-nowrap', P.whenText(row, c.t0[i], c.t1[i], known, offset)));
          var typeCell = el('td'), sw = el('span', 'im-swatch');
          sw.style.background = type.colour;
          typeCell.appendChild(sw);
          typeCell.appendChild(document.createTextNode(type.label));
          tr.appendChild(typeCell);
          tr.appendChild(el('td', null, meta.statuses[c.status[i]]));
          var sc = el('td');
          sc.appendChild(P.bdi(meta.sources[c.source[i]]));
          tr.appendChild(sc);
          var pc = el('td');
          pc.appendChild(P.bdi(row.place_name || ''));
          tr.appendChild(pc);
          var ec = el('td', 'im-evidence');
          ec.appendChild(P.bdi(row.evidence || ''));
          ec.dir = 'auto';
          tr.appendChild(ec);
          tr.addEventListener('click', function () { ctx.open(i); });
          tbody.appendChild(tr);
        });
      });
    }
    function exportRows(kind) {
      var indexes = shownIndexes(), c = inc.columns;
      return inc.loadIds().then(function (ids) {
        var records = [];
        return inc.eachRow(indexes, function (i, row) {
          var props = {incident_id: ids[i], event_type: meta.types[c.type[i]].name,
            status: meta.statuses[c.status[i]], source: meta.sources[c.source[i]]};
          meta.textColumns.forEach(function (name) { props[name] = row[name]; });
          props.lat = Number(c.lat[i].toFixed(6));
          props.lon = Number(c.lon[i].toFixed(6));
          records.push(props);
        }).then(function () {
          if (kind === 'geojson') {
            var features = records.map(function (p) {
              return {type: 'Feature', geometry: {type: 'Point', coordinates: [p.lon, p.lat]},
                properties: p};
            });
            return JSON.stringify({type: 'FeatureCollection', features: features});
          }
          var columns = ['incident_id', 'event_type', 'status', 'source'].concat(meta.textColumns)
            .concat(['lat', 'lon']);
          var lines = [columns.join(',')];
          records.forEach(function (p) { lines.push(columns.map(function (k) { return csvCell(p[k]); }).join(',')); });
          return lines.join('\r\n') + '\r\n';
        });
      });
    }
    geojsonButton.addEventListener('click', function () {
      exportRows('geojson').then(function (text) {
        download('incidents-shown.geojson', 'application/geo+json', text);
      });
    });
    csvButton.addEventListener('click', function () {
      exportRows('csv').then(function (text) { download('incidents-shown.csv', 'text/csv', text); });
    });

    return {fill: fillTable, exportRows: exportRows};
  }

  return {install: install};
})();
