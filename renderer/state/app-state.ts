/**
 * The page's ready marker: `<html data-app-state="loading|ready|error">`. End-to-end tests and kiosk scripts wait for
 * `ready` (the map has drawn the city) instead of sleeping.
 */
export type AppState = 'loading' | 'ready' | 'error';

export function markAppState(state: AppState): void {
  document.documentElement.dataset.appState = state;
}

/** `<html data-city-state="generating|ready|failed">`: whether the city data is complete. */
export function markCityState(state: 'generating' | 'ready' | 'failed'): void {
  document.documentElement.dataset.cityState = state;
}

/**
 * `<html data-map-drawn="all">`: every layer's data has arrived and deck.gl has drawn a frame with all of it — the
 * end of `readyToDrawnMs` in the map benchmark.
 */
export function markMapDrawn(): void {
  document.documentElement.dataset.mapDrawn = 'all';
}
