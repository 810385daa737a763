// The tray icon, drawn here rather than shipped as a file: a disc in the state's colour inside a
// dark ring, anti-aliased by pixel coverage. Returned as raw BGRA pixels (premultiplied alpha), the layout Electron's
// `nativeImage.createFromBitmap` takes. No electron import, so the tests can look at the pixels.

import type { TrayTone } from './tray-menu.js';

/** Red, green, blue. */
const colours: Record<TrayTone, readonly [number, number, number]> = {
  on: [0x2e, 0x9e, 0x5b],
  off: [0x8a, 0x8f, 0x98],
  attention: [0xe0, 0x8a, 0x1e],
};
const ring: readonly [number, number, number] = [0x20, 0x24, 0x2b];

/** Raw BGRA, `sizePx` × `sizePx`, row-major from the top left. */
export function drawTrayIcon(tone: TrayTone, sizePx: number): Uint8Array {
  const pixels = new Uint8Array(sizePx * sizePx * 4);
  const centre = sizePx / 2;
  const outer = sizePx / 2 - 0.5;
  const inner = outer * 0.72;
  const [red, green, blue] = colours[tone];
  // 4×4 samples per pixel: enough for a smooth edge at 16–64 px.
  const samples = 4;
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      let inDisc = 0;
      let inRing = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const dx = x + (sx + 0.5) / samples - centre;
          const dy = y + (sy + 0.5) / samples - centre;
          const distance = Math.hypot(dx, dy);
          if (distance <= inner) inDisc++;
          else if (distance <= outer) inRing++;
        }
      }
      const total = samples * samples;
      const coverage = (inDisc + inRing) / total;
      if (coverage === 0) continue;
      const discShare = inDisc / (inDisc + inRing);
      const offset = (y * sizePx + x) * 4;
      // Premultiplied by coverage: Skia's N32 bitmaps (what createFromBitmap makes) are premultiplied.
      pixels[offset] = Math.round((blue * discShare + ring[2] * (1 - discShare)) * coverage);
      pixels[offset + 1] = Math.round((green * discShare + ring[1] * (1 - discShare)) * coverage);
      pixels[offset + 2] = Math.round((red * discShare + ring[0] * (1 - discShare)) * coverage);
      pixels[offset + 3] = Math.round(255 * coverage);
    }
  }
  return pixels;
}
