"""The map's time control: replay incidents and events over local time.

Python decides *when* each marker is shown; the page only compares numbers.
Every incident and event gets a window ``[t0, t1)`` in milliseconds since the
epoch (absolute instants, so neither the machine building the page nor the one
viewing it can shift them), or no window when its time is unknown:

* a window finer than a day (``hour``, ``part_of_day``) is its
  ``time_start``/``time_end``; a start without an end lasts
  ``open_window_minutes`` (``maps/data/styles.json``);
* precision ``day`` is the whole local day of its date, whatever the times say;
* a date without a usable time is that whole day too;
* nothing at all is an unknown time: such markers are always shown.

The slider runs over :func:`replay_span`, the span of the windows finer than a
day (the reported hours), or of the day windows when no incident has a clock
time. At slider time ``t`` a marker is shown when ``t0 <= t < t1``.

The page script (:data:`TIME_CONTROL_JS`) filters markers *inside* each layer
(it removes them from, and adds them back to, their ``L.GeoJSON`` group), so the
layer control keeps working: a source the user unchecked is never put back on
the map, and when it is checked again only its markers of the moment show.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Time precisions whose window is a clock time rather than a whole day or more.
CLOCK_PRECISIONS = frozenset({"hour", "part_of_day"})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MS = dt.timedelta(milliseconds=1)
_DAY = dt.timedelta(days=1)

Window = tuple[int, int]


def _epoch_ms(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _MS


def _parse_moment(value: str | None, zone: dt.tzinfo) -> dt.datetime | None:
    """An aware datetime from ISO 8601 text; naive text is read in ``zone``."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def time_window(
    date: str | None,
    time_start: str | None,
    time_end: str | None,
    precision: str | None,
    *,
    utc_offset_minutes: int,
    open_window_minutes: int,
) -> Window | None:
    """When a marker is shown, as ``(t0, t1)`` milliseconds since the epoch.

    Parameters
    ----------
    date
        The local day, ``YYYY-MM-DD``, or ``None``.
    time_start, time_end
        ISO 8601 times (with an offset; naive ones are read as local time).
    precision
        ``hour``, ``part_of_day``, ``day``, ``month`` or ``unknown``.
    utc_offset_minutes
        The local offset (Baghdad: 180), for days and naive times.
    open_window_minutes
        How long an incident with a start but no (later) end lasts.

    Returns
    -------
    tuple of int or None
        ``None`` when the time is unknown: the marker is then always shown.
    """
    zone = dt.timezone(dt.timedelta(minutes=utc_offset_minutes))
    start = _parse_moment(time_start, zone)
    end = _parse_moment(time_end, zone)
    day = _parse_day(date)
    if precision == "day" and day is None and start is not None:
        day = start.date()
    if precision == "day" or (start is None and day is not None):
        if day is None:
            return None
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
        return _epoch_ms(midnight), _epoch_ms(midnight + _DAY)
    if start is None:
        return None
    if end is None or end <= start:
        end = start + dt.timedelta(minutes=open_window_minutes)
    return _epoch_ms(start), _epoch_ms(end)


@dataclass(frozen=True)
class ReplaySpan:
    """What the slider covers: ``steps`` positions ``start + k * step`` (ms)."""

    start: int
    end: int
    step: int
    steps: int

    def as_config(self) -> dict[str, int]:
        """The span for the page script."""
        return {"start": self.start, "end": self.end, "step": self.step, "steps": self.steps}


def replay_span(
    windows: Iterable[tuple[Window | None, bool]],
    *,
    step_minutes: int,
    max_steps: int,
) -> ReplaySpan | None:
    """The span the slider replays, or ``None`` when nothing has a time.

    Parameters
    ----------
    windows
        ``(window, clock)`` per incident: its window and whether it is finer
        than a day. The span runs from the earliest start to the latest end of
        the clock windows, or of all windows when none is a clock window.
    step_minutes
        The finest slider step.
    max_steps
        The step is made a coarser multiple of ``step_minutes`` so that the
        slider never has more positions than this.
    """
    clock, other = [], []
    for window, is_clock in windows:
        if window is not None:
            (clock if is_clock else other).append(window)
    chosen = clock or other
    if not chosen:
        return None
    start = min(w[0] for w in chosen)
    end = max(w[1] for w in chosen)
    unit = step_minutes * 60_000
    units = max(1, math.ceil((end - start) / unit / max(1, max_steps)))
    step = units * unit
    steps = max(1, math.ceil((end - start) / step))
    return ReplaySpan(start=start, end=end, step=step, steps=steps)


def time_config(span: ReplaySpan | None, rules: dict[str, Any]) -> dict[str, Any]:
    """The settings :data:`TIME_CONTROL_JS` is installed with (``rules``: the
    ``time`` section of ``maps/data/styles.json``)."""
    return {
        "span": span.as_config() if span is not None else None,
        "offsetMinutes": int(rules["utc_offset_minutes"]),
        "zoneLabel": str(rules["zone_label"]),
        "playIntervalMs": int(rules["play_interval_ms"]),
    }


TIME_CONTROL_CSS = """
.im-time { width: 250px; }
.im-time-now { font-size: 16px; font-weight: 700; font-variant-numeric: tabular-nums; }
.im-time-zone { font-size: 11px; color: #666; }
.im-time-slider { width: 100%; margin: 6px 0 0; accent-color: #b03a2e; }
.im-time-all .im-time-slider { opacity: 0.45; }
.im-time-scale { display: flex; justify-content: space-between; color: #666; font-size: 11px;
  font-variant-numeric: tabular-nums; }
.im-time-buttons { display: flex; gap: 6px; margin: 5px 0 3px; }
.im-time-buttons button { font: inherit; font-size: 12px; padding: 2px 10px; cursor: pointer;
  border: 1px solid #999; border-radius: 4px; background: #fff; }
.im-time-buttons button:hover { background: #f0efe9; }
.im-time-count { font-size: 12px; }
"""

#: The page script: ``IncidentMapTime.install(map, groups, config, onChange)``.
#: ``groups`` are ``{layer, markers, kind}`` with ``kind`` "incidents" or
#: "events" and ``markers`` every marker the layer was filled with; each
#: marker's ``feature.properties`` carries ``t0``/``t1`` (null: unknown time).
#: Fixed text: no report data passes through it.
TIME_CONTROL_JS = r"""
var IncidentMapTime = (function () {
  'use strict';
  var DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov',
    'Dec'];

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // Local wall-clock fields of instant t, read with the UTC getters of a shifted
  // date so the viewer's own time zone never matters.
  function local(t, offset) { return new Date(t + offset * 60000); }
  function clockText(t, offset) {
    var d = local(t, offset);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }
  function dayText(t, offset) {
    var d = local(t, offset);
    return DAYS[d.getUTCDay()] + ' ' + d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' +
      d.getUTCFullYear();
  }
  function offsetText(offset) {
    var m = Math.abs(offset);
    return 'UTC' + (offset < 0 ? '-' : '+') + pad(Math.floor(m / 60)) + ':' + pad(m % 60);
  }
  function unknown(p) { return p.t0 === null || p.t0 === undefined; }
  // Shown at time t (null: all times): unknown times always, others in [t0, t1).
  function showsAt(p, t) { return t === null || unknown(p) || (p.t0 <= t && t < p.t1); }

  function install(map, groups, config, onChange) {
    var span = config.span, offset = config.offsetMinutes;
    var now = null, timer = null, ui = null;

    function tally(kind) {
      var counts = {shown: 0, total: 0, unknown: 0};
      groups.forEach(function (g) {
        if (g.kind !== kind) { return; }
        g.markers.forEach(function (m) {
          var p = m.feature.properties;
          counts.total += 1;
          if (unknown(p)) { counts.unknown += 1; }
          if (showsAt(p, now)) { counts.shown += 1; }
        });
      });
      return counts;
    }
    function index(t) {
      var k = Math.floor((t - span.start) / span.step);
      return Math.max(0, Math.min(span.steps - 1, k));
    }
    function render() {
      if (!ui) { return; }
      var incidents = tally('incidents'), events = tally('events');
      if (now === null) {
        ui.now.textContent = 'All times';
        ui.zone.textContent = 'Slide or play to replay by ' + config.zoneLabel + ' time (' +
          offsetText(offset) + ')';
        L.DomUtil.addClass(ui.root, 'im-time-all');
        ui.count.textContent = 'Showing all ' + incidents.total + ' incidents' +
          (events.total ? ' and ' + events.total + ' events' : '');
      } else {
        ui.now.textContent = clockText(now, offset) + ' ' + dayText(now, offset);
        ui.zone.textContent = config.zoneLabel + ' local time (' + offsetText(offset) + ')';
        L.DomUtil.removeClass(ui.root, 'im-time-all');
        if (span) { ui.slider.value = String(index(now)); }
        ui.count.textContent = 'At this time: ' + incidents.shown + ' of ' + incidents.total +
          ' incidents' + (events.total ? ', ' + events.shown + ' of ' + events.total +
          ' events' : '');
      }
      ui.unknown.textContent = incidents.unknown ?
        incidents.unknown + ' with unknown time always shown' : '';
      ui.play.textContent = timer === null ? '\u25B6 Play' : '\u275A\u275A Pause';
      ui.play.setAttribute('aria-pressed', timer === null ? 'false' : 'true');
    }
    function apply() {
      groups.forEach(function (g) {
        var markers = g.markers;
        for (var i = 0; i < markers.length; i++) {
          var m = markers[i];
          var want = showsAt(m.feature.properties, now), has = g.layer.hasLayer(m);
          if (want && !has) {
            g.layer.addLayer(m);
          } else if (!want && has) {
            g.layer.removeLayer(m);
          }
        }
      });
      if (onChange) { onChange(now); }
      render();
    }
    function setTime(value) {
      var t = null;
      if (value !== null && value !== undefined) {
        t = typeof value === 'number' ? value : Date.parse(value);
        if (!isFinite(t)) { throw new Error('not a time: ' + value); }
      }
      now = t;
      apply();
      return now;
    }
    function pause() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      render();
    }
    function play() {
      if (!span || timer !== null) { return; }
      if (now === null || index(now) >= span.steps - 1) { setTime(span.start); }
      timer = setInterval(function () {
        var next = index(now) + 1;
        if (next >= span.steps) { pause(); return; }
        setTime(span.start + next * span.step);
      }, config.playIntervalMs);
      render();
    }

    if (span) {
      var Control = L.Control.extend({
        options: {position: 'topleft'},
        onAdd: function () {
          var root = L.DomUtil.create('div', 'im-panel im-time im-time-all');
          var nowText = L.DomUtil.create('div', 'im-time-now', root);
          var zone = L.DomUtil.create('div', 'im-time-zone', root);
          var slider = L.DomUtil.create('input', 'im-time-slider', root);
          slider.type = 'range';
          slider.min = '0';
          slider.max = String(span.steps - 1);
          slider.step = '1';
          slider.value = '0';
          slider.setAttribute('aria-label', 'Local time (' + config.zoneLabel + ')');
          var scale = L.DomUtil.create('div', 'im-time-scale', root);
          var last = span.start + (span.steps - 1) * span.step;
          L.DomUtil.create('span', '', scale).textContent =
            clockText(span.start, offset) + ' ' + dayText(span.start, offset).slice(0, -5);
          L.DomUtil.create('span', '', scale).textContent =
            clockText(last, offset) + ' ' + dayText(last, offset).slice(0, -5);
          var buttons = L.DomUtil.create('div', 'im-time-buttons', root);
          var playButton = L.DomUtil.create('button', 'im-time-play', buttons);
          var reset = L.DomUtil.create('button', 'im-time-reset', buttons);
          playButton.type = 'button';
          reset.type = 'button';
          reset.textContent = 'All times';
          ui = {
            root: root, play: playButton, now: nowText, zone: zone, slider: slider,
            count: L.DomUtil.create('div', 'im-time-count', root),
            unknown: L.DomUtil.create('div', 'im-note im-time-unknown', root)
          };
          L.DomEvent.disableClickPropagation(root);
          L.DomEvent.disableScrollPropagation(root);
          L.DomEvent.on(slider, 'input', function () {
            pause();
            setTime(span.start + Number(slider.value) * span.step);
          });
          L.DomEvent.on(playButton, 'click', function () {
            if (timer === null) { play(); } else { pause(); }
          });
          L.DomEvent.on(reset, 'click', function () { pause(); setTime(null); });
          render();
          return root;
        }
      });
      new Control().addTo(map);
    }

    return {
      setTime: setTime,
      getTime: function () { return now; },
      play: play,
      pause: pause,
      playing: function () { return timer !== null; },
      span: span,
      showsAt: showsAt
    };
  }

  return {install: install, showsAt: showsAt, clockText: clockText, dayText: dayText};
})();
"""
