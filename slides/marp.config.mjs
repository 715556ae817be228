// Configuration de Marp pour les diaporamas du cours (lue par scripts/diapos.sh).
// Les émojis restent des caractères Unicode : le rendu par défaut (twemoji) irait
// chercher des images sur un CDN, et les diapositives doivent marcher hors ligne.
export default {
  bespoke: { progress: true },
  options: {
    emoji: { shortcode: false, unicode: false },
  },
};
