/* incident-mapper: the callbacks folium's GeoJSON layers (context and places) are made with. */
/* exported IncidentMapFolium */
/* global L */
var IncidentMapFolium = {
  // Each feature carries its Leaflet path style.
  style: function (feature) { return feature.properties.style; },
  // Places: popup and tooltip HTML escaped in Python (maps.render.place_popup_html).
  // A click opens the place's popup only when no incident or event of ours is
  // under the pointer: those are drawn over the places and take the click.
  bindPlace: function (feature, layer) {
    var p = feature.properties;
    if (p.popup) {
      layer.bindPopup(p.popup, {maxWidth: 340});
      layer.off('click', layer._openPopup, layer);
      layer.on('click', function (e) {
        var api = window.incidentMap;
        if (api && api.hitAt && api.hitAt(e.containerPoint)) { return; }
        layer.openPopup(e.latlng);
      });
    }
    if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
  },
  // Context: a label on the rivers, zones and districts that ask for one, at the point
  // Python chose (label_at). All the labels of a map are spans in one box of the tooltip
  // pane (one layer, placed again after a zoom; a pan moves the pane): a Leaflet marker
  // each made a layer, event handlers and a composited element per label at start-up.
  contextLabel: function (feature, layer) {
    var p = feature.properties;
    if (!p.label || !p.label_at) { return; }
    var item = {at: L.latLng(p.label_at), html: p.label, node: null};
    layer.on('add', function () { IncidentMapFolium.labelsOf(layer._map).add(item); });
    layer.on('remove', function () {
      if (layer._map) { IncidentMapFolium.labelsOf(layer._map).drop(item); }
    });
  },
  labelsOf: function (map) {
    if (!map._imLabels) { map._imLabels = new ContextLabels().addTo(map); }
    return map._imLabels;
  }
};

var ContextLabels = L.Layer.extend({
  initialize: function () { this.items = []; },
  onAdd: function (map) {
    this.box = L.DomUtil.create('div', 'im-labels leaflet-zoom-hide', map.getPane('tooltipPane'));
    this.items.forEach(function (item) { this.box.appendChild(item.node); }, this);
    map.on('viewreset zoomend', this.placeAll, this);
    this.placeAll();
  },
  onRemove: function (map) {
    map.off('viewreset zoomend', this.placeAll, this);
    L.DomUtil.remove(this.box);
    this.box = null;
  },
  add: function (item) {
    if (item.node) { return; }
    // Gazetteer names, escaped in Python (maps.render._context_features): never report text.
    item.node = L.DomUtil.create('div', 'im-label');
    item.node.innerHTML = '<span>' + item.html + '</span>';
    this.items.push(item);
    if (this.box) { this.box.appendChild(item.node); this.place(item); }
  },
  drop: function (item) {
    var k = this.items.indexOf(item);
    if (k >= 0) { this.items.splice(k, 1); }
    if (item.node) { L.DomUtil.remove(item.node); item.node = null; }
  },
  place: function (item) {
    var point = this._map.latLngToLayerPoint(item.at);
    item.node.style.left = point.x + 'px';
    item.node.style.top = point.y + 'px';
  },
  placeAll: function () { this.items.forEach(this.place, this); }
});
