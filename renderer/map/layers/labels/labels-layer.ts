/**
 * Place names in Chinese — county-level units always, streets and towns (L1 grids) from district zoom in — drawn with
 * the machine's own CJK font (no glyph server, nothing fetched). Labels that would overlap give way, county names
 * first; a dark halo keeps them legible over the heatmap and the points.
 */
import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions';
import { TextLayer, type TextLayerProps } from '@deck.gl/layers';
import type { MapLabels } from '../../../../shared/contract';
import { memoize } from '../binary-data';

export interface LabelsState {
  labels: MapLabels;
  zoom: number;
  visible?: boolean;
  opacity?: number;
}

export const LABELS_LAYER_ID = 'place-labels';
/** From this zoom on, street and town names join the county names. */
export const L1_LABELS_ZOOM = 10;
export const LABEL_FONT_FAMILY =
  "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
export const LABEL_STYLE = {
  county: { size: 16, color: [255, 226, 160, 255] as [number, number, number, number] },
  L1: { size: 12, color: [200, 220, 245, 235] as [number, number, number, number] },
};

const collision = new CollisionFilterExtension();
const countiesOnly = memoize((labels: MapLabels) =>
  Array.from(labels.ranks).flatMap((rank, i) => (rank === 0 ? [i] : [])),
);
const everyLabel = memoize((labels: MapLabels) => labels.names.map((_, i) => i));

export function createLabelsLayer({ labels, zoom, visible = true, opacity = 1 }: LabelsState): TextLayer<number> {
  const withL1 = zoom >= L1_LABELS_ZOOM;
  const style = (i: number) => (labels.ranks[i] === 0 ? LABEL_STYLE.county : LABEL_STYLE.L1);
  const props: TextLayerProps<number> & CollisionFilterExtensionProps<number> = {
    id: LABELS_LAYER_ID,
    data: withL1 ? everyLabel(labels) : countiesOnly(labels),
    visible,
    opacity,
    getText: (i) => labels.names[i] ?? '',
    getPosition: (i) => [labels.positions[i * 2]!, labels.positions[i * 2 + 1]!],
    getSize: (i) => style(i).size,
    getColor: (i) => style(i).color,
    sizeUnits: 'pixels',
    fontFamily: LABEL_FONT_FAMILY,
    fontWeight: 600,
    // Only the characters in the names: the atlas stays small even for CJK.
    characterSet: 'auto',
    fontSettings: { sdf: true, fontSize: 48, buffer: 6 },
    outlineWidth: 3,
    outlineColor: [8, 16, 28, 230],
    billboard: true,
    extensions: [collision],
    collisionEnabled: true,
    getCollisionPriority: (i: number) => (labels.ranks[i] === 0 ? 100 : 0),
    collisionTestProps: { sizeScale: 1.4 },
    pickable: false,
  };
  return new TextLayer<number>(props);
}
