// Public surface of @tocsin/desk: the watch desk's routes (page, signals) and
// its signal feed; the server they plug into is @tocsin/http's buildApiServer.
export { pageRoutes } from './page/routes';
export { signalRoutes, sharingView, SIGNALS_MAX_LIMIT, type SignalSource, type SignalRedactor } from './routes/signals';
export { createSignalFeed, type SignalFeed } from './signal-feed';
