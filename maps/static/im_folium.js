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
  // Python chose (label_at). A marker with a fixed-size icon is placed without the page
  // measuring it, where a permanent tooltip would force a layout per label at start-up.
  contextLabel: function (feature, layer) {
    var p = feature.properties;
    if (!p.label || !p.label_at) { return; }
    var label = L.marker(p.label_at, {
      icon: L.divIcon({className: 'im-label', html: '<span>' + p.label + '</span>', iconSize: [0, 0]}),
      interactive: false, keyboard: false, pane: 'tooltipPane'
    });
    layer.on('add', function () { label.addTo(layer._map); });
    layer.on('remove', function () { label.remove(); });
  }
};
