// Configuration de Marp pour les diaporamas du cours (lue par scripts/diapos.sh).
// - Thème « cours » (slides/cours.css) : le thème par défaut avec des polices incorporées.
// - Les émojis restent des caractères Unicode : le rendu par défaut (twemoji) irait
//   chercher des images sur un CDN, et les diapositives doivent marcher hors ligne.
import { fileURLToPath } from 'node:url';

export default {
  themeSet: [fileURLToPath(new URL('./cours.css', import.meta.url))],
  theme: 'cours',
  bespoke: { progress: true },
  options: {
    emoji: { shortcode: false, unicode: false },
  },
};
