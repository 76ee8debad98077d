// Charts, maps, timelines and node-link graphs, drawn with Apache ECharts on a canvas.
// The country shapes are Natural Earth's 1:110m countries from world-atlas, bundled, never fetched.

import { BarChart, GraphChart, LineChart, MapChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { feature } from "topojson-client";
import world from "world-atlas/countries-110m.json";
import { placeOf } from "./geo.js";
import { cellText } from "./table.js";
import { pageOf } from "./terms.js";
import { yearOf } from "./views.js";

echarts.use([
  BarChart,
  GraphChart,
  LineChart,
  MapChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

const COLOURS = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#45818e", "#cc0000", "#674ea7", "#bf9000"];
const TOOLTIP = { renderMode: "richText" }; // drawn on the canvas: no inline styles for the CSP to refuse
let registered = false;

const ANTARCTICA = "010"; // no directory record covers it, and it would take a fifth of the map

/**
 * A ring cut at the antimeridian, as world-atlas cuts them, drawn on a flat map: its few points on
 * the far side move to the edge, so no edge crosses the whole map.
 */
function flatRing(ring) {
  const east = ring.filter(([lon]) => lon > 160).length;
  const west = ring.filter(([lon]) => lon < -160).length;
  if (!east || !west) return ring;
  const edge = east >= west ? 180 : -180;
  return ring.map(([lon, lat]) => [Math.sign(lon) === Math.sign(edge) ? lon : edge, lat]);
}

function flatGeometry(geometry) {
  if (geometry.type === "Polygon") geometry.coordinates = geometry.coordinates.map(flatRing);
  if (geometry.type === "MultiPolygon") geometry.coordinates = geometry.coordinates.map((p) => p.map(flatRing));
  return geometry;
}

function countryShapes() {
  if (!registered) {
    const shapes = feature(world, world.objects.countries);
    // Areas without an M49 code (Somaliland, Kosovo, Northern Cyprus) have no record to show.
    shapes.features = shapes.features.filter((shape) => shape.id && shape.id !== ANTARCTICA && shape.geometry);
    for (const shape of shapes.features) {
      shape.properties = { name: shape.id, label: shape.properties.name };
      flatGeometry(shape.geometry);
    }
    echarts.registerMap("world", shapes);
    registered = shapes.features.map((shape) => [shape.id, shape.properties.label]);
  }
  return new Map(registered);
}

function chartIn(container) {
  echarts.getInstanceByDom(container)?.dispose();
  const chart = echarts.init(container, null, { renderer: "canvas" });
  new ResizeObserver(() => chart.resize()).observe(container);
  return chart;
}

function numberOf(cell) {
  const value = Number(cell?.value);
  return Number.isFinite(value) ? value : 0;
}

/** Each country's value on the map: a region's rows fill its countries, a country's own row wins. */
export function mapValues(rows, view, terms) {
  const places = rows
    .map((row) => ({ row, place: placeOf(row[view.place], terms) }))
    .filter((entry) => entry.place)
    .sort((a, b) => b.place.size - a.place.size); // bigger regions first: the more specific overwrite
  const values = new Map();
  const names = new Map();
  const chosen = new Map(); // the most specific row naming each country (a click on it opens that row's page)
  const sizes = new Map(); // how specific the row that set a country's value was
  for (const { row, place } of places) {
    const value = view.number ? numberOf(row[view.number]) : 1;
    const name = cellText(row[view.label ?? view.place], terms);
    for (const code of place.countries) {
      const same = sizes.get(code) === place.size;
      values.set(code, same ? values.get(code) + value : value);
      names.set(code, same ? `${names.get(code)}, ${name}` : name);
      sizes.set(code, place.size);
      chosen.set(code, row);
    }
  }
  return { values, names, rows: chosen };
}

function drawMap(chart, view, rows, terms, onArea) {
  const shapes = countryShapes();
  const { values, names, rows: chosen } = mapValues(rows, view, terms);
  const data = [...values].map(([code, value]) => ({ name: code, value }));
  const max = Math.max(1, ...values.values());
  chart.setOption({
    tooltip: {
      ...TOOLTIP,
      trigger: "item",
      formatter: (item) => {
        const country = shapes.get(item.name) ?? item.name;
        const value = Number.isFinite(item.value) ? `: ${item.value}` : "";
        const named = names.get(item.name);
        return named && named !== country ? `${country} (${named})${value}` : `${country}${value}`;
      },
    },
    visualMap: {
      min: 0,
      max,
      left: "left",
      bottom: 10,
      calculable: true,
      inRange: { color: ["#deebf7", "#08306b"] },
      ...(view.number ? {} : { precision: 0 }),
    },
    series: [
      {
        type: "map",
        map: "world",
        roam: true,
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#f6b26b" } },
        itemStyle: { areaColor: "#f3f3f3", borderColor: "#999", borderWidth: 0.5 },
        data,
      },
    ],
  });
  if (onArea) chart.on("click", (item) => onArea(chosen.get(item.name), shapes.get(item.name)));
  return { areas: data.length };
}

function drawChart(chart, view, rows, terms) {
  const labels = rows.map((row) => cellText(row[view.label], terms));
  const values = rows.map((row) => numberOf(row[view.number]));
  const line = Boolean(view.year);
  chart.setOption({
    color: COLOURS,
    tooltip: { ...TOOLTIP, trigger: "axis" },
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    ...(line
      ? { xAxis: { type: "category", data: labels }, yAxis: { type: "value", name: view.number } }
      : { yAxis: { type: "category", data: labels, inverse: true }, xAxis: { type: "value", name: view.number } }),
    series: [{ type: line ? "line" : "bar", name: view.number, data: values }],
  });
  return { bars: values.length };
}

const ITEMS_ON_A_TIMELINE = 80;

/** Each row a bar from its start year to its end year (or one year), labelled, in time order. */
function drawItems(chart, view, rows, terms) {
  const items = rows
    .map((row) => {
      const start = yearOf(row[view.year], view.year);
      const end = view.end ? yearOf(row[view.end], view.end) : null;
      const text = cellText(row[view.label], terms);
      return { label: text.length > 50 ? `${text.slice(0, 49)}…` : text, start, end: Math.max(end ?? start, start) };
    })
    .filter((item) => item.start !== null)
    .sort((a, b) => a.start - b.start || a.label.localeCompare(b.label));
  const first = Math.min(...items.map((i) => i.start));
  const last = Math.max(...items.map((i) => i.end)) + 1;
  chart.setOption({
    color: COLOURS,
    tooltip: {
      ...TOOLTIP,
      trigger: "axis",
      axisPointer: { type: "shadow" },
      formatter: (shown) => {
        const item = items[shown[0].dataIndex];
        return item.end > item.start ? `${item.label}: ${item.start}–${item.end}` : `${item.label}: ${item.start}`;
      },
    },
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: "value", min: first, max: last, minInterval: 1, name: view.end ? "years" : view.year, axisLabel: { formatter: String } },
    yAxis: { type: "category", data: items.map((i) => i.label), inverse: true, axisLabel: { fontSize: 11 } },
    series: [
      { type: "bar", stack: "time", silent: true, itemStyle: { color: "transparent" }, data: items.map((i) => i.start) },
      { type: "bar", stack: "time", name: view.year, data: items.map((i) => i.end - i.start + 1) },
    ],
  });
  return { items: items.length };
}

function drawTimeline(chart, view, rows, terms) {
  if (view.label && rows.length <= ITEMS_ON_A_TIMELINE) return drawItems(chart, view, rows, terms);
  const points = rows
    .map((row) => ({ year: yearOf(row[view.year], view.year), label: view.label ? cellText(row[view.label], terms) : "" }))
    .filter((point) => point.year !== null);
  const perYear = new Map();
  for (const point of points) perYear.set(point.year, [...(perYear.get(point.year) ?? []), point.label]);
  const years = [...perYear.keys()].sort((a, b) => a - b);
  const all = years.length ? Array.from({ length: years.at(-1) - years[0] + 1 }, (_, i) => years[0] + i) : [];
  chart.setOption({
    color: COLOURS,
    tooltip: {
      ...TOOLTIP,
      trigger: "axis",
      formatter: ([item]) => {
        const labels = perYear.get(Number(item.name)) ?? [];
        return `${item.name}: ${labels.length}\n${labels.slice(0, 12).join("\n")}${labels.length > 12 ? "\n…" : ""}`;
      },
    },
    grid: { left: 8, right: 24, top: 24, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: all.map(String), name: view.year },
    yAxis: { type: "value", name: "rows", minInterval: 1 },
    dataZoom: [{ type: "slider", bottom: 4 }],
    series: [{ type: "bar", data: all.map((year) => perYear.get(year)?.length ?? 0) }],
  });
  return { years: all.length };
}

/** A node-link graph of triples ({subject, predicate, object} of N3.js terms), at most 400 nodes. */
function drawGraph(chart, triples, terms, base) {
  const nodes = new Map();
  const node = (term) => {
    const key = term.termType === "Literal" ? `"${term.value}"` : term.value;
    if (!nodes.has(key) && nodes.size < 400) {
      const iri = term.termType === "NamedNode" ? term.value : null;
      const category = term.termType === "Literal" ? 2 : term.termType === "BlankNode" ? 1 : 0;
      const text = iri ? (terms.label(iri) ?? terms.shortName(iri)) : term.value;
      const name = text.length > 48 ? `${text.slice(0, 47)}…` : text;
      nodes.set(key, { id: key, name, category, iri, symbolSize: category === 2 ? 6 : 12 });
    }
    return nodes.has(key) ? key : null;
  };
  const links = [];
  for (const triple of triples) {
    const source = node(triple.subject);
    const target = node(triple.object);
    if (source && target) links.push({ source, target, name: terms.prefixed(triple.predicate.value) ?? triple.predicate.value });
  }
  chart.setOption({
    color: COLOURS,
    tooltip: { ...TOOLTIP, formatter: (item) => (item.dataType === "edge" ? item.data.name : item.data.iri ?? item.data.name) },
    legend: { data: ["resource", "blank node", "literal"], bottom: 4 },
    series: [
      {
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        categories: [{ name: "resource" }, { name: "blank node" }, { name: "literal" }],
        label: { show: true, position: "right", fontSize: 11 },
        labelLayout: { hideOverlap: true },
        edgeSymbol: ["none", "arrow"],
        edgeLabel: { show: false },
        force: { repulsion: 260, edgeLength: [50, 150], gravity: 0.06 },
        data: [...nodes.values()],
        links,
      },
    ],
  });
  chart.on("dblclick", (item) => {
    if (item.dataType === "node" && item.data.iri) window.location.href = pageOf(item.data.iri, base);
  });
  return { nodes: nodes.size, links: links.length };
}

/** Draw ``view`` ({kind, …columns}) of ``data`` (SELECT rows, or triples for "graph"). */
export function draw(container, view, data, terms, base, onArea) {
  const chart = chartIn(container);
  if (view.kind === "map") return drawMap(chart, view, data, terms, onArea);
  if (view.kind === "chart") return drawChart(chart, view, data, terms);
  if (view.kind === "timeline") return drawTimeline(chart, view, data, terms);
  return drawGraph(chart, data, terms, base);
}
