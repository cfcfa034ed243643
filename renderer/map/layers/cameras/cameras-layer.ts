/**
 * Video cameras as icons, coloured by kind, from district zoom in (130,000 icons at city zoom would hide the city).
 * The icon is drawn once on a canvas: no image file, no network.
 */
import { IconLayer } from '@deck.gl/layers';
import type { PointLayerData } from '../../../../shared/contract';
import { coloredPoints } from '../binary-data';

export interface CamerasState {
  data: PointLayerData;
  colors: Uint8Array;
  zoom: number;
  /** The camera glyph (cameraIconAtlas()). */
  atlas: HTMLCanvasElement;
  visible?: boolean;
  opacity?: number;
}

export const CAMERAS_MIN_ZOOM = 11;
const ICON_SIZE = 64;
const ICON_MAPPING = { camera: { x: 0, y: 0, width: ICON_SIZE, height: ICON_SIZE, mask: true } };

/**
 * A white camera glyph (body and lens) on a transparent square; `mask` lets each icon take its kind's colour. Handed
 * to deck.gl as the canvas itself: a data URL would be fetched, which the CSP (connect-src 'self') rightly refuses.
 */
export function cameraIconAtlas(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = ICON_SIZE;
  canvas.height = ICON_SIZE;
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  context.fillStyle = '#fff';
  context.beginPath();
  context.roundRect(6, 18, 38, 28, 6);
  context.fill();
  context.beginPath();
  context.moveTo(44, 26);
  context.lineTo(58, 18);
  context.lineTo(58, 46);
  context.lineTo(44, 38);
  context.fill();
  return canvas;
}

export function createCamerasLayer({
  data,
  colors,
  zoom,
  atlas,
  visible = true,
  opacity = 1,
}: CamerasState): IconLayer {
  return new IconLayer({
    id: 'cameras',
    data: coloredPoints(data.positions, colors, 'getColor'),
    visible: visible && zoom >= CAMERAS_MIN_ZOOM,
    opacity,
    // deck.gl loads a canvas like an image at run time; its prop type only names URLs and textures.
    iconAtlas: atlas as unknown as string,
    iconMapping: ICON_MAPPING,
    getIcon: () => 'camera',
    sizeUnits: 'pixels',
    getSize: 16,
    // A click opens the device's card.
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 200],
  });
}
