export { FakeClock, flush } from './fake-clock.js';
