/**
 * The city outline: the boundary of the whole city as a bright line over a faint fill. A pure factory, state in,
 * layer out, like every map layer.
 */
import { PolygonLayer } from '@deck.gl/layers';
import type { CityOutline } from '../../../../shared/contract';

type Rgba = [number, number, number, number];
type Polygon = CityOutline['polygons'][number];

export interface CityOutlineState {
  outline: CityOutline;
  visible?: boolean;
  /** 0..1, default 1. */
  opacity?: number;
}

/** The outline's line colour; the end-to-end test looks for it on screen. */
export const OUTLINE_LINE_COLOR: Rgba = [0, 212, 255, 255];
export const OUTLINE_FILL_COLOR: Rgba = [0, 212, 255, 28];
export const OUTLINE_LINE_WIDTH_PX = 2.5;

export const CITY_OUTLINE_LAYER_ID = 'city-outline';

export function createCityOutlineLayer({
  outline,
  visible = true,
  opacity = 1,
}: CityOutlineState): PolygonLayer<Polygon> {
  return new PolygonLayer<Polygon>({
    id: CITY_OUTLINE_LAYER_ID,
    data: outline.polygons,
    getPolygon: (polygon) => polygon,
    visible,
    opacity,
    filled: true,
    stroked: true,
    getFillColor: OUTLINE_FILL_COLOR,
    getLineColor: OUTLINE_LINE_COLOR,
    getLineWidth: OUTLINE_LINE_WIDTH_PX,
    lineWidthUnits: 'pixels',
    lineJointRounded: true,
    pickable: false,
  });
}
