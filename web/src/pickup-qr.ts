// The text of a pickup QR, as the server reads it back (a module with no imports, bundled as is).
export { pickupQrText, parsePickupQr } from '../../src/modules/presales/pickup-qr.js';
