// The tray icon and its menu (the data comes from tray-menu.ts). Rebuilt whenever the switch's
// state changes; the icon's colour follows the state. Some Linux desktops show no tray at all
// (GNOME without an AppIndicator extension), so the window, not the tray, is the app's main face.

import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { drawTrayIcon } from './tray-icon.js';
import { trayMenu, trayTone, trayTooltip, type TrayAction, type TrayItem, type TrayTone, type TrayView } from './tray-menu.js';

const iconSizePx = 22;

export function trayImage(tone: TrayTone, sizePx = iconSizePx): NativeImage {
  return nativeImage.createFromBitmap(Buffer.from(drawTrayIcon(tone, sizePx)), { width: sizePx, height: sizePx });
}

/** The menu template for Electron; `onAction` gets the chosen action. */
export function menuTemplate(items: readonly TrayItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'label':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled, click: () => onAction(item.action) };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

export class ClatterTray {
  private readonly tray: Tray;
  private tone: TrayTone | null = null;

  constructor(
    view: TrayView,
    private readonly onAction: (action: TrayAction) => void,
  ) {
    this.tray = new Tray(trayImage(trayTone(view.toggle)));
    this.show(view);
  }

  show(view: TrayView): void {
    const tone = trayTone(view.toggle);
    if (tone !== this.tone) {
      this.tray.setImage(trayImage(tone));
      this.tone = tone;
    }
    this.tray.setToolTip(trayTooltip(view.toggle));
    this.tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(trayMenu(view), this.onAction)));
  }

  destroy(): void {
    this.tray.destroy();
  }
}
