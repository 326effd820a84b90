/* incident-mapper: one Leaflet layer of our own, drawing every shown incident and
 * event on one canvas.
 *
 * Zoomed out (more shown points in view than `pointLimit`), it draws a hex-bin
 * density of the shown incidents; zoomed in, a dot per incident coloured by type,
 * incidents at one position fanned out on a sunflower spiral (a stack too big to
 * fan is one dot with its count, and a click lists it), and a ring per event.
 * Clicks are answered from what was drawn last (a grid of screen cells).
 */
/* exported IncidentMapLayer */
/* global L, IncidentMapCore */
var IncidentMapLayer = (function () {
  'use strict';
  var Core = IncidentMapCore;
  var GOLDEN = Math.PI * (3 - Math.sqrt(5));
  var CELL = 32;

  // Web Mercator at zoom 0 (256 px world), as Leaflet's EPSG3857 projects.
  function projectAll(lon, lat) {
    var n = lon.length, x = new Float64Array(n), y = new Float64Array(n);
    var R = 6378137, d = Math.PI / 180, max = 85.0511287798, scale = 0.5 / (Math.PI * R);
    for (var i = 0; i < n; i++) {
      var la = Math.max(Math.min(max, lat[i]), -max), s = Math.sin(la * d);
      var px = R * lon[i] * d, py = R * Math.log((1 + s) / (1 - s)) / 2;
      x[i] = 256 * (scale * px + 0.5);
      y[i] = 256 * (-scale * py + 0.5);
    }
    return {x: x, y: y};
  }

  function hexColour(count, max) {
    var t = Math.log(1 + count) / Math.log(1 + Math.max(1, max));
    var r = Math.round(255 - 60 * t), g = Math.round(225 - 190 * t), b = Math.round(120 - 90 * t);
    return 'rgba(' + r + ',' + g + ',' + b + ',' + (0.45 + 0.45 * t).toFixed(2) + ')';
  }

  // The shown rows visible[from, to) in view (written to inView from m on; returns the
  // new m) and how many fall in each hexagon (counts; a row off screen counts in the
  // slot `dropped`). No branch around any operation, and a block of rows per call, so
  // V8's optimised code for it stays (as IncidentMapCore's scanRows).
  function countCells(visible, from, to, m, cellOf, inView, counts, dropped) {
    for (var k = from; k < to; k++) {
      var i = visible[k], cell = cellOf[i], off = cell < 0 ? 1 : 0;
      inView[m] = i;
      m += off ^ 1;
      counts[off ? dropped : cell] += 1;
    }
    return m;
  }

  // cells() for rows [from, to), a block per call (as countCells). Every row runs the
  // same operations, on screen or not (a row off screen, or not mapped: NaN, is -1).
  function cellsOf(xy, from, to, cellOf, scale, ox, oy, W, H, R, cols, rows) {
    var X = xy.x, Y = xy.y, margin = 30;
    var dx = Math.sqrt(3) * R, dy = 1.5 * R, kq = Math.sqrt(3) / 3 / R, kr = 2 / 3 / R;
    var left = -margin, top = -margin, right = W + margin, bottom = H + margin;
    var outside = cols * rows;
    for (var i = from; i < to; i++) {
      var x = X[i] * scale + ox, y = Y[i] * scale + oy;
      var onScreen = x > left && y > top && x < right && y < bottom;
      var hx = x + dx, hy = y + dy, q = kq * hx - hy / (3 * R), r = kr * hy;
      var cy = -q - r, rx = Math.round(q), ry = Math.round(cy), rz = Math.round(r);
      var ex = Math.abs(rx - q), ey = Math.abs(ry - cy), ez = Math.abs(rz - r);
      if (ex > ey && ex > ez) { rx = -ry - rz; } else if (ey <= ez) { rz = -rx - ry; }
      var col = rx + ((rz - (rz & 1)) >> 1);
      var cell = rz >= 0 && col >= 0 && rz < rows && col < cols ? rz * cols + col : outside;
      cellOf[i] = onScreen ? cell : -1;
    }
  }

  var Layer = L.Layer.extend({
    initialize: function (state, styles) {
      this.state = state;
      this.styles = styles;
      var inc = state.inc.columns, evt = state.evt.columns;
      this.incXY = projectAll(inc.lon, inc.lat);
      this.evtXY = state.evt.n ? projectAll(evt.lon, evt.lat) : {x: [], y: []};
      this.mode = 'auto';            // auto | points | density
      this.drawnMode = 'points';
      this.hits = [];                // drawn incidents: {i, x, y, r, stack}
      this.rings = [];               // drawn events: {j, x, y, r}
      this.grid = new Map();
      this.lastDrawMs = 0;
      this.fanAt = new Map();        // incident index -> [x, y] on screen (points mode)
    },
    onAdd: function (map) {
      this._map = map;
      var canvas = this.canvas = L.DomUtil.create('canvas', 'im-canvas leaflet-zoom-hide');
      map.getPanes().overlayPane.appendChild(canvas);
      this.ctx = canvas.getContext('2d');
      map.on('moveend zoomend resize viewreset', this.redraw, this);
      map.on('zoomstart', this._hide, this);
      this.redraw();
    },
    onRemove: function (map) {
      map.off('moveend zoomend resize viewreset', this.redraw, this);
      map.off('zoomstart', this._hide, this);
      L.DomUtil.remove(this.canvas);
      this.hits = [];
      this.rings = [];
      this.grid = new Map();
    },
    _hide: function () { if (this.canvas) { this.canvas.style.visibility = 'hidden'; } },
    setMode: function (mode) { this.mode = mode; this.redraw(); },

    redraw: function () {
      if (!this._map || !this.canvas) { return; }
      var started = performance.now();
      var map = this._map, size = map.getSize(), ratio = window.devicePixelRatio || 1;
      var canvas = this.canvas;
      if (canvas.width !== Math.round(size.x * ratio) || canvas.height !== Math.round(size.y * ratio)) {
        canvas.width = Math.round(size.x * ratio);
        canvas.height = Math.round(size.y * ratio);
        canvas.style.width = size.x + 'px';
        canvas.style.height = size.y + 'px';
      }
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.style.visibility = '';
      var ctx = this.ctx;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var zoom = map.getZoom(), scale = Math.pow(2, zoom);
      var origin = map.getPixelOrigin(), pane = map._getMapPanePos();
      // container x = world0 * scale - origin.x + pane.x
      var ox = pane.x - origin.x, oy = pane.y - origin.y;
      var st = this.state, visible = st.visible, nv = st.nVisible;
      var R = this.styles.density.hex_radius_px, dx = Math.sqrt(3) * R, dy = 1.5 * R;
      var cols = Math.ceil(size.x / dx) + 3, rows = Math.ceil(size.y / dy) + 3;
      // Each row's hexagon in this view, worked out once per view (a pan, a zoom, a
      // resize): a source toggle, a filter or a time step then only counts the shown
      // rows into their cells, with no projection.
      var view = zoom + ':' + ox + ':' + oy + ':' + size.x + ':' + size.y + ':' + R;
      if (this.cellView !== view) {
        this.cellView = view;
        this.cellOf = this.cells(this.cellOf, scale, ox, oy, size.x, size.y, R, cols, rows);
      }
      var outside = cols * rows;
      if (!this.hexCounts || this.hexCounts.length !== outside + 2) {
        this.hexCounts = new Uint32Array(outside + 2);
      }
      var counts = this.hexCounts.fill(0);
      if (!this.inView || this.inView.length < nv) { this.inView = new Uint32Array(st.inc.n); }
      var inView = this.inView;
      var m = 0;
      for (var from = 0; from < nv; from += Core.BLOCK_ROWS) {
        m = countCells(visible, from, Math.min(nv, from + Core.BLOCK_ROWS), m, this.cellOf,
          inView, counts, outside + 1);
      }
      counts[outside] = 0;
      counts[outside + 1] = 0;
      var limit = this.styles.density.point_limit;
      // At the deepest zoom a click on the density has nowhere to zoom to: the dots
      // (and counted stacks, which a click lists) are drawn however many are in view.
      var deepest = zoom >= map.getMaxZoom();
      var density = this.mode === 'density' || (this.mode === 'auto' && m > limit && !deepest);
      this.drawnMode = density ? 'density' : 'points';
      this.hits = [];
      this.rings = [];
      this.grid = new Map();
      this.fanAt = new Map();
      if (density) {
        this.drawDensity(ctx, counts.subarray(0, outside), cols, rows, R, dx, dy);
      } else {
        this.density = null;
        this.drawPoints(ctx, inView, m, scale, ox, oy);
        this.drawEvents(ctx, scale, ox, oy, size.x, size.y);
      }
      this.lastDrawMs = performance.now() - started;
      this.fire('drawn');
    },

    // The hexagon of every row in a view (Int32, into `out` when it fits): -1 when the
    // row is off screen (beyond a margin) or not mapped, cols * rows when it is within
    // the margin but beyond the grid, else the cell (pointy-top axial coordinates,
    // rounded to the nearest hexagon).
    cells: function (out, scale, ox, oy, W, H, R, cols, rows) {
      var X = this.incXY.x, n = X.length;
      var cellOf = out && out.length === n ? out : new Int32Array(n);
      for (var from = 0; from < n; from += Core.BLOCK_ROWS) {
        cellsOf(this.incXY, from, Math.min(n, from + Core.BLOCK_ROWS), cellOf,
          scale, ox, oy, W, H, R, cols, rows);
      }
      return cellOf;
    },

    drawDensity: function (ctx, counts, cols, rows, R, dx, dy) {
      var max = 0;
      for (var c = 0; c < counts.length; c++) { if (counts[c] > max) { max = counts[c]; } }
      this.density = {cols: cols, rows: rows, R: R, dx: dx, dy: dy, max: max};
      ctx.lineWidth = 0.6;
      ctx.strokeStyle = 'rgba(80,40,0,0.35)';
      for (var cellIndex = 0; cellIndex < counts.length; cellIndex++) {
        var count = counts[cellIndex];
        if (!count) { continue; }
        var rr = Math.floor(cellIndex / cols), cc = cellIndex - rr * cols;
        var hx = dx * (cc + 0.5 * (rr & 1)) - dx, hy = dy * rr - dy;
        ctx.beginPath();
        for (var s = 0; s < 6; s++) {
          var a = Math.PI / 180 * (60 * s - 30);
          var px = hx + R * Math.cos(a), py = hy + R * Math.sin(a);
          if (s === 0) { ctx.moveTo(px, py); } else { ctx.lineTo(px, py); }
        }
        ctx.closePath();
        ctx.fillStyle = hexColour(count, max);
        ctx.fill();
        ctx.stroke();
      }
    },

    drawPoints: function (ctx, inView, m, scale, ox, oy) {
      var st = this.state, c = st.inc.columns, X = this.incXY.x, Y = this.incXY.y;
      var types = st.config.incidents.types, style = this.styles.marker;
      var stepPx = this.styles.spread.step_px, maxFan = this.styles.spread.max_fan;
      // Group by exact position (rows keep their time order inside a group).
      var groups = new Map();
      for (var k = 0; k < m; k++) {
        var i = inView[k], key = X[i] + ',' + Y[i], g = groups.get(key);
        if (g === undefined) { groups.set(key, [i]); } else { g.push(i); }
      }
      var radius = style.radius, self = this;
      groups.forEach(function (members) {
        var i0 = members[0], bx = X[i0] * scale + ox, by = Y[i0] * scale + oy;
        if (members.length > maxFan) {
          self.dot(ctx, i0, bx, by, radius + 4, c, types, style);
          ctx.font = '600 11px system-ui, sans-serif';
          ctx.fillStyle = '#111';
          ctx.textAlign = 'left';
          ctx.textBaseline = 'middle';
          ctx.lineWidth = 3;
          ctx.strokeStyle = 'rgba(255,255,255,0.9)';
          ctx.strokeText(String(members.length), bx + radius + 6, by);
          ctx.fillText(String(members.length), bx + radius + 6, by);
          self.addHit({i: i0, x: bx, y: by, r: radius + 4, stack: members});
          return;
        }
        for (var rank = 0; rank < members.length; rank++) {
          var i = members[rank], x = bx, y = by;
          if (rank > 0) {
            var rad = stepPx * Math.sqrt(rank), a = rank * GOLDEN;
            x = bx + rad * Math.sin(a);
            y = by - rad * Math.cos(a);
          }
          self.dot(ctx, i, x, y, radius, c, types, style);
          self.fanAt.set(i, [x, y]);
          self.addHit({i: i, x: x, y: y, r: radius, stack: members.length > 1 ? members : null});
        }
      });
    },

    dot: function (ctx, i, x, y, radius, c, types, style) {
      var type = types[c.type[i]], f = c.flags[i];
      var happened = c.status[i] === this.state.happenedCode;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      if (happened) {
        ctx.globalAlpha = f & Core.FLAG_VAGUE ? style.vague_fill_opacity : style.fill_opacity;
        ctx.fillStyle = type.colour;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.setLineDash(f & Core.FLAG_VAGUE ? [3, 2] : []);
        ctx.lineWidth = style.weight;
        ctx.strokeStyle = f & Core.FLAG_VAGUE ? style.vague_colour : style.colour;
        ctx.stroke();
      } else {
        // Reported, announced, threatened, denied: a hollow ring in the type's colour.
        ctx.globalAlpha = 0.9;
        ctx.fillStyle = '#ffffff';
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.setLineDash([2, 2]);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = type.colour;
        ctx.stroke();
      }
      ctx.setLineDash([]);
    },

    drawEvents: function (ctx, scale, ox, oy, W, H) {
      var st = this.state, e = st.evt, n = e.n;
      if (!n || !st.layers.events) { return; }
      var shown = st.eventVisible, X = this.evtXY.x, Y = this.evtXY.y;
      var flags = e.columns.flags, radius = e.columns.radius, rules = this.styles.events;
      var stepPx = rules.step_px, groups = new Map();
      for (var j = 0; j < n; j++) {
        if (!shown[j]) { continue; }
        var x = X[j] * scale + ox, y = Y[j] * scale + oy;
        if (x < -60 || y < -60 || x > W + 60 || y > H + 60) { continue; }
        var key = X[j] + ',' + Y[j], g = groups.get(key);
        if (g === undefined) { groups.set(key, [j]); } else { g.push(j); }
      }
      var self = this;
      groups.forEach(function (members) {
        for (var rank = 0; rank < members.length; rank++) {
          var j = members[rank], x = X[j] * scale + ox, y = Y[j] * scale + oy;
          if (rank > 0) {
            var rad = stepPx * Math.sqrt(rank), a = rank * GOLDEN;
            x += rad * Math.sin(a);
            y -= rad * Math.cos(a);
          }
          var contradicted = flags[j] & Core.FLAG_CONTRADICTED;
          var s = contradicted ? rules.contradicted_style : rules.style;
          ctx.beginPath();
          ctx.arc(x, y, radius[j], 0, 2 * Math.PI);
          ctx.lineWidth = s.weight;
          ctx.strokeStyle = s.color;
          ctx.globalAlpha = s.opacity;
          ctx.setLineDash(contradicted ? s.dash : []);
          ctx.lineCap = 'butt';
          ctx.stroke();
          ctx.globalAlpha = 1;
          ctx.setLineDash([]);
          self.rings.push({j: j, x: x, y: y, r: radius[j]});
        }
      });
    },

    addHit: function (hit) {
      this.hits.push(hit);
      var key = Math.floor(hit.x / CELL) + ':' + Math.floor(hit.y / CELL);
      var list = this.grid.get(key);
      if (list === undefined) { this.grid.set(key, [hit]); } else { list.push(hit); }
    },

    // What a click at container point p lands on: {incident}, {event}, {density} or null.
    hitTest: function (p) {
      if (!this._map) { return null; }
      if (this.drawnMode === 'density') {
        return this.density && this.density.max ? {density: true} : null;
      }
      var best = null, bestD = Infinity, cx = Math.floor(p.x / CELL), cy = Math.floor(p.y / CELL);
      for (var gx = cx - 1; gx <= cx + 1; gx++) {
        for (var gy = cy - 1; gy <= cy + 1; gy++) {
          var list = this.grid.get(gx + ':' + gy);
          if (!list) { continue; }
          for (var k = 0; k < list.length; k++) {
            var h = list[k], d = Math.hypot(h.x - p.x, h.y - p.y);
            if (d <= h.r + 3 && d < bestD) { best = h; bestD = d; }
          }
        }
      }
      if (best) { return {incident: best}; }
      for (var r = this.rings.length - 1; r >= 0; r--) {
        var ring = this.rings[r];
        if (Math.abs(Math.hypot(ring.x - p.x, ring.y - p.y) - ring.r) <= 5) { return {event: ring}; }
      }
      return null;
    },

    // Where incident i is drawn now (container point), fanned position included.
    screenPoint: function (i) {
      var fanned = this.fanAt.get(i);
      if (fanned) { return {x: fanned[0], y: fanned[1]}; }
      var p = this._map.latLngToContainerPoint([this.state.inc.columns.lat[i],
        this.state.inc.columns.lon[i]]);
      return {x: p.x, y: p.y};
    },
    ringAt: function (j) {
      for (var r = 0; r < this.rings.length; r++) {
        if (this.rings[r].j === j) { return this.rings[r]; }
      }
      return null;
    }
  });

  return {Layer: Layer, projectAll: projectAll};
})();
