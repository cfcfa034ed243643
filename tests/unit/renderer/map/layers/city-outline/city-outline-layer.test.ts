import { join } from 'node:path';
import { PolygonLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { CityService } from '../../../../../../electron/services/city/city-service';
import {
  CITY_OUTLINE_LAYER_ID,
  createCityOutlineLayer,
  OUTLINE_FILL_COLOR,
  OUTLINE_LINE_COLOR,
  type CityOutlineState,
} from '../../../../../../renderer/map/layers/city-outline/city-outline-layer';

const outline = new CityService(
  join(import.meta.dirname, '..', '..', '..', '..', '..', '..', 'resources'),
).getOutline();

// Table-driven, after deck.gl's own layer tests: state in, expected props out.
const cases: { title: string; state: CityOutlineState; expected: Record<string, unknown> }[] = [
  {
    title: 'defaults: visible, opaque, outlined and faintly filled, in screen pixels',
    state: { outline },
    expected: {
      visible: true,
      opacity: 1,
      stroked: true,
      filled: true,
      lineWidthUnits: 'pixels',
      getLineColor: OUTLINE_LINE_COLOR,
      getFillColor: OUTLINE_FILL_COLOR,
      pickable: false,
    },
  },
  { title: 'hidden', state: { outline, visible: false }, expected: { visible: false } },
  { title: 'half opacity', state: { outline, opacity: 0.5 }, expected: { opacity: 0.5 } },
];

describe('city outline layer', () => {
  it.each(cases)('$title', ({ state, expected }) => {
    const layer = createCityOutlineLayer(state);
    expect(layer).toBeInstanceOf(PolygonLayer);
    expect(layer.id).toBe(CITY_OUTLINE_LAYER_ID);
    expect(layer.props).toMatchObject(expected);
  });

  it('draws each polygon of the outline from its rings', () => {
    const layer = createCityOutlineLayer({ outline });
    expect(layer.props.data).toBe(outline.polygons);
    const first = outline.polygons[0]!;
    const getPolygon = layer.props.getPolygon as (polygon: typeof first) => unknown;
    expect(getPolygon(first)).toBe(first);
  });

  it('has a line colour that stands out from the basemap (the e2e pixel check depends on it)', () => {
    const [r, g, b] = OUTLINE_LINE_COLOR;
    expect(g + b - 2 * r).toBeGreaterThan(300);
  });
});
