/* incident-mapper: the sources panel. Sources grouped as news outlets, social media
 * and unattributed, each with its live count, a search box, all/none per group (on
 * what the search shows); a group of more than 200 starts closed and makes its rows
 * when first opened, so thousands of sources stay usable. Names go in as textContent.
 */
/* exported IncidentMapSources */
/* global IncidentMapPopups */
var IncidentMapSources = (function () {
  'use strict';
  var P = IncidentMapPopups, el = P.el, checkboxRow = P.checkboxRow, setText = P.setText;
  var GROUP_TITLES = {news: 'News outlets', social: 'Social media', unattributed: 'Unattributed'};

  // section: the panel section to fill; changed(): after the user switched sources.
  function build(section, state, changed) {
    var meta = state.config.incidents;
    var search = el('input', 'im-source-search');
    search.type = 'search';
    search.placeholder = 'Find a source\u2026';
    search.setAttribute('aria-label', 'Find a source');
    section.appendChild(search);
    var sourceRows = [], groupBoxes = {};
    ['news', 'social', 'unattributed'].forEach(function (group) {
      var members = [];
      meta.sourceGroups.forEach(function (g, k) { if (g === group) { members.push(k); } });
      if (!members.length) { return; }
      var box = el('details', 'im-source-group');
      box.open = members.length <= 200;
      box.dataset.group = group;
      var summary = el('summary');
      var title = el('span', 'im-group-title', GROUP_TITLES[group]);
      summary.appendChild(title);
      var groupCount = el('span', 'im-count', '');
      summary.appendChild(groupCount);
      var allButton = el('button', 'im-all', 'all'), noneButton = el('button', 'im-none', 'none');
      allButton.type = noneButton.type = 'button';
      summary.appendChild(allButton);
      summary.appendChild(noneButton);
      box.appendChild(summary);
      var list = el('div', 'im-source-list');
      box.appendChild(list);
      // Rows are made when the group is first opened (a big group starts closed).
      var rows = [];
      function buildRows() {
        if (rows.length) { return; }
        members.forEach(function (k) {
          var entry = checkboxRow(list, meta.sources[k], state.on.source[k] === 1, function (checked) {
            state.on.source[k] = checked ? 1 : 0;
            changed();
          });
          entry.index = k;
          entry.row.dataset.source = meta.sources[k];
          entry.count.textContent = String(state.counts.source[k]);
          sourceRows[k] = entry;
          rows.push(entry);
        });
      }
      if (box.open) { buildRows(); }
      box.addEventListener('toggle', function () { if (box.open) { buildRows(); } });
      function setAll(on) {
        members.forEach(function (k) {
          var r = sourceRows[k];
          if (r && r.row.style.display === 'none') { return; }  // only what the search shows
          if (r) { r.box.checked = on; }
          state.on.source[k] = on ? 1 : 0;
        });
        changed();
      }
      allButton.addEventListener('click', function (e) { e.preventDefault(); setAll(true); });
      noneButton.addEventListener('click', function (e) { e.preventDefault(); setAll(false); });
      groupBoxes[group] = {box: box, rows: rows, count: groupCount, members: members, build: buildRows};
      section.appendChild(box);
    });
    search.addEventListener('input', P.debounce(function () {
      var needle = search.value.trim().toLocaleLowerCase();
      if (needle) {
        Object.keys(groupBoxes).forEach(function (g) { groupBoxes[g].build(); });
      }
      sourceRows.forEach(function (r) {
        if (!r) { return; }
        var hit = !needle || r.name.toLocaleLowerCase().indexOf(needle) >= 0;
        r.row.style.display = hit ? '' : 'none';
      });
      if (needle) { Object.keys(groupBoxes).forEach(function (g) { groupBoxes[g].box.open = true; }); }
    }, 120));

    function renderCounts() {
      var counts = state.counts.source;
      Object.keys(groupBoxes).forEach(function (g) {
        var box = groupBoxes[g], total = 0, sources = 0;
        box.rows.forEach(function (r) { setText(r.count, String(counts[r.index])); });
        box.members.forEach(function (k) {
          if (state.on.source[k]) { total += counts[k]; sources += 1; }
        });
        setText(box.count, sources + '/' + box.members.length + ' sources \u00b7 ' + total);
      });
    }
    return {rows: sourceRows, renderCounts: renderCounts};
  }

  return {build: build};
})();
