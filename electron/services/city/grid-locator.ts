/** The point → grid index of the city in the store, built on first use and dropped when an import replaces the grids. */
import type { Store } from '../store/store';
import { buildGridIndex, loadGridGeometries, type GridIndex } from './grid-index';

export class GridLocator {
  private built: GridIndex | undefined;

  constructor(private readonly store: Store) {}

  index(): GridIndex {
    this.built ??= buildGridIndex(loadGridGeometries(this.store.reader()));
    return this.built;
  }

  invalidate(): void {
    this.built = undefined;
  }
}
