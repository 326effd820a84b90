/* incident-mapper: the callbacks folium's GeoJSON layers (context and places) are made with. */
/* exported IncidentMapFolium */
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
  // Context: a permanent label on the rivers, zones and districts that ask for one.
  contextLabel: function (feature, layer) {
    var p = feature.properties;
    if (p.label) {
      layer.bindTooltip(p.label,
        {permanent: true, direction: 'center', className: 'im-label', interactive: false});
    }
  }
};
