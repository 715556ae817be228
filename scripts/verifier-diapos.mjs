// Diaporamas rendus par Marp (build/diapos/) : préparation et vérification.
//
//   node scripts/verifier-diapos.mjs --preparer DOSSIER_HTML DOSSIER_SLIDES
//       incorpore les images locales (data:), écrit index.html, refuse toute ressource
//       chargée depuis le réseau (<link>, <script>, <img>, url(), @import).
//   node scripts/verifier-diapos.mjs --verifier DOSSIER_HTML [NN-nom.html…]
//       ouvre chaque diaporama dans Chromium sans interface (puppeteer-core) :
//       - capture de la première et de la dernière diapositive dans DOSSIER_HTML/captures/,
//         chacune non vide (pixels lus dans la capture + texte ou image dans la diapositive) ;
//       - aucune diapositive dont le contenu déborde (boîtes des éléments et du texte
//         comparées à celle de la diapositive ; blocs défilants) ;
//       - des notes de présentation pour chaque diapositive, affichées par la vue présentateur ;
//       - aucune requête réseau, aucune ressource locale introuvable.
//   Avant les vrais diaporamas, des témoins (une diapositive vide, une qui déborde, une sans
//   notes, une image du réseau, une image absente, un diaporama correct) vérifient que chaque
//   contrôle sait échouer (DIAPOS_TEMOINS_DETAIL=1 affiche ce qu'il leur reproche).
//   Sort avec le code 1 et un message qui nomme le diaporama et la diapositive.
//   node scripts/verifier-diapos.mjs --ecrire-temoins DOSSIER
//       écrit les diaporamas témoins (Markdown) ; scripts/diapos.sh les fait rendre par Marp
//       avec les vrais, dans DOSSIER_HTML/_temoins/.
//   node scripts/verifier-diapos.mjs --pdf DOSSIER_HTML [NN-nom.html…]
//       imprime chaque diaporama en PDF (une page par diapositive) à côté de son HTML.
//
// Chromium : /usr/bin/chromium (paquet Debian chromium), ou la variable CHROMIUM.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, dossier, ...reste] = process.argv.slice(2);
if (!mode || !dossier) {
  console.error('usage : verifier-diapos.mjs --preparer DOSSIER_HTML DOSSIER_SLIDES | --verifier DOSSIER_HTML [fichiers…]');
  process.exit(2);
}

const TYPES = {
  '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.woff2': 'font/woff2', '.woff': 'font/woff',
};

function diaporamas(dir) {
  return fs.readdirSync(dir).filter((f) => /^\d\d-.*\.html$/.test(f)).sort();
}

// ---------------------------------------------------------------------------------------
// Préparation : images incorporées, index, contrôle hors ligne.
// Les url() d'un diaporama sont relatives à son dossier ; celles du thème (slides/cours.css,
// les polices) à slides/ du dépôt : on essaie l'un puis l'autre.
const SLIDES_DU_DEPOT = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'slides');

function preparer(dir, slides, { index = true } = {}) {
  const erreurs = [];
  const entrees = [];
  for (const nom of diaporamas(dir)) {
    const source = path.join(slides, nom.replace(/\.html$/, '.md'));
    if (index && !fs.existsSync(source)) continue; // rendu périmé d'un diaporama disparu
    const fichier = path.join(dir, nom);
    let html = fs.readFileSync(fichier, 'utf8');
    const incorporer = (url) => {
      if (/^(data:|#|[a-z][a-z0-9+.-]*:)/i.test(url)) return null;
      const relatif = decodeURIComponent(url.split(/[?#]/)[0]);
      let chemin = path.resolve(slides, relatif);
      if (!fs.existsSync(chemin)) chemin = path.resolve(SLIDES_DU_DEPOT, relatif);
      const type = TYPES[path.extname(chemin).toLowerCase()];
      if (!type || !fs.existsSync(chemin)) {
        erreurs.push(`${nom} : ressource locale introuvable ou d'un type inconnu : ${url}`);
        return null;
      }
      return `data:${type};base64,${fs.readFileSync(chemin).toString('base64')}`;
    };
    html = html.replace(/(<(?:img|source)\b[^>]*?\ssrc=)"([^"]+)"/gi, (tout, debut, url) => {
      const d = incorporer(url);
      return d ? `${debut}"${d}"` : tout;
    });
    html = html.replace(/url\((&quot;|["']?)([^"')&]+)\1\)/gi, (tout, q, url) => {
      const d = incorporer(url);
      return d ? `url(${q}${d}${q})` : tout;
    });
    // Hors ligne : rien ne doit venir du réseau.
    const reseau = [
      /<(?:link|script|img|source|iframe|video|audio|embed)\b[^>]*?\s(?:src|href|srcset)=["']?(?:https?:)?\/\/[^"'\s>]+/gi,
      /url\(\s*(?:&quot;|["'])?(?:https?:)?\/\/[^)]+\)/gi,
      /@import\s+(?:url\()?\s*["']?(?:https?:)?\/\//gi,
    ];
    for (const re of reseau) {
      for (const m of html.matchAll(re)) {
        erreurs.push(`${nom} : ressource chargée depuis le réseau (le diaporama doit marcher hors ligne) : ${m[0].slice(0, 160)}`);
      }
    }
    fs.writeFileSync(fichier, html);
    const titre = (html.match(/<title>([^<]*)<\/title>/) || [, nom])[1];
    entrees.push({ nom, titre });
  }
  const liste = entrees
    .map((e) => `    <li><a href="${e.nom}">${e.titre}</a> · <a href="${e.nom}?view=presenter">vue présentateur</a></li>`)
    .join('\n');
  if (index) fs.writeFileSync(
    path.join(dir, 'index.html'),
    `<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>tokio::spawn en C++ — diapositives</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 50em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }
    li { margin: 0.3em 0; }
    kbd { border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; }
  </style>
</head>
<body>
  <h1>tokio::spawn en C++ — diapositives</h1>
  <p>Un diaporama par chapitre. Flèches ou <kbd>Espace</kbd> pour avancer,
  <kbd>P</kbd> : vue présentateur (notes, diapositive suivante, chronomètre),
  <kbd>F</kbd> : plein écran, <kbd>O</kbd> : vue d'ensemble. Tout marche hors ligne.</p>
  <ul>
${liste}
  </ul>
</body>
</html>
`,
  );
  return erreurs;
}

// ---------------------------------------------------------------------------------------
// Vérification dans Chromium.

// Dans la page : mesure de chaque diapositive (toutes rendues, pas seulement l'active).
function mesurerDansLaPage() {
  const tol = 1.5;
  const slides = [...document.querySelectorAll('svg[data-marpit-svg] > foreignObject > section')];
  const notes = new Map();
  for (const n of document.querySelectorAll('.bespoke-marp-note')) {
    notes.set(Number(n.dataset.index), n.textContent.trim());
  }
  const dehors = (r, s) =>
    r.left < s.left - tol || r.top < s.top - tol || r.right > s.right + tol || r.bottom > s.bottom + tol;
  const decrire = (el) => {
    const t = (el.textContent || '').trim().replace(/\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}>${t ? ` « ${t.slice(0, 60)}${t.length > 60 ? '…' : ''} »` : ''}`;
  };
  return slides.map((section, i) => {
    const problemes = [];
    const s = section.getBoundingClientRect();
    const echelle = s.width / section.offsetWidth || 1;
    if (section.scrollHeight > section.clientHeight + 1) {
      problemes.push(`le contenu dépasse en bas de ${section.scrollHeight - section.clientHeight} px`);
    }
    if (section.scrollWidth > section.clientWidth + 1) {
      problemes.push(`le contenu dépasse à droite de ${section.scrollWidth - section.clientWidth} px`);
    }
    for (const el of section.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (dehors(r, s)) {
        const dx = Math.max(0, r.right - s.right, s.left - r.left) / echelle;
        const dy = Math.max(0, r.bottom - s.bottom, s.top - r.top) / echelle;
        problemes.push(`${decrire(el)} sort de la diapositive (${Math.round(dx)} px en largeur, ${Math.round(dy)} px en hauteur)`);
        break;
      }
      const st = getComputedStyle(el);
      if ((st.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) ||
          (st.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1)) {
        problemes.push(`${decrire(el)} est coupé ou défile (${el.scrollWidth}×${el.scrollHeight} px pour ${el.clientWidth}×${el.clientHeight})`);
        break;
      }
    }
    // Le texte lui-même (un mot trop long sort de sa boîte sans agrandir l'élément).
    const marcheur = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
    const plage = document.createRange();
    for (let n = marcheur.nextNode(); n; n = marcheur.nextNode()) {
      if (!n.textContent.trim()) continue;
      plage.selectNodeContents(n);
      const hors = [...plage.getClientRects()].find((r) => r.width > 0 && dehors(r, s));
      if (hors) {
        problemes.push(`le texte « ${n.textContent.trim().slice(0, 60)} » sort de la diapositive`);
        break;
      }
    }
    const texte = section.innerText.trim().length > 0;
    const media = [...section.querySelectorAll('img, svg, video, canvas')].some((m) => {
      const r = m.getBoundingClientRect();
      return r.width > 4 && r.height > 4 && (m.tagName !== 'IMG' || (m.complete && m.naturalWidth > 0));
    });
    const imagesCassees = [...section.querySelectorAll('img')]
      .filter((m) => !(m.complete && m.naturalWidth > 0))
      .map((m) => m.getAttribute('src').slice(0, 80));
    return { numero: i + 1, problemes, contenu: texte || media, imagesCassees, note: notes.get(i) || '' };
  });
}

// Dans la page : décode la capture PNG (décodeur de Chromium) et compte les pixels.
async function analyserCapture(b64) {
  const img = new Image();
  img.src = `data:image/png;base64,${b64}`;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  const freq = new Map();
  for (let i = 0; i < d.length; i += 4) {
    const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    freq.set(k, (freq.get(k) || 0) + 1);
  }
  let fond = 0;
  let max = -1;
  for (const [k, v] of freq) if (v > max) { max = v; fond = k; }
  const fr = fond >> 16, fv = (fond >> 8) & 255, fb = fond & 255;
  let differents = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - fr) + Math.abs(d[i + 1] - fv) + Math.abs(d[i + 2] - fb) > 60) differents++;
  }
  return { couleurs: freq.size, differents, total: d.length / 4 };
}

async function lancerNavigateur() {
  let puppeteer;
  try {
    puppeteer = (await import('puppeteer-core')).default;
  } catch {
    console.error('diapos : puppeteer-core manque (lancez « npm ci » à la racine du dépôt).');
    process.exit(1);
  }
  const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    console.error(`diapos : Chromium introuvable (${chromium}). Installez-le : sudo apt-get install chromium`);
    process.exit(1);
  }
  return puppeteer.launch({
    executablePath: chromium,
    headless: true,
    protocolTimeout: 60000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars',
      '--font-render-hinting=none', '--force-device-scale-factor=1'],
  });
}

async function verifier(navigateur, dir, noms, { silencieux = false, presentateur = true } = {}) {
  if (!noms.length) noms = diaporamas(dir);
  const captures = path.join(dir, 'captures');
  fs.mkdirSync(captures, { recursive: true });
  const echecs = [];
  let total = 0;
  const page = await navigateur.newPage();
  try {
    await page.setViewport({ width: 1280, height: 720 });
    await page.setRequestInterception(true);
    let requetes = [];
    page.on('request', (r) => {
      const u = r.url();
      if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('blob:')) return r.continue();
      requetes.push(u);
      return r.abort();
    });
    page.on('requestfailed', (r) => {
      if (r.url().startsWith('file:')) requetes.push(`${r.url()} (introuvable)`);
    });
    for (const nom of noms) {
      const fichier = path.join(dir, nom);
      const echec = (msg) => echecs.push(`${nom} : ${msg}`);
      if (!fs.existsSync(fichier)) {
        echec('fichier rendu absent');
        continue;
      }
      requetes = [];
      const url = pathToFileURL(path.resolve(fichier)).href;
      await page.goto(`${url}#1`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      // Toutes les diapositives mises en page (Marp ne rend que l'active), sans la barre
      // de commandes (elle rendrait « non vide » une diapositive vide).
      const style = await page.addStyleTag({
        content: 'svg.bespoke-marp-slide{content-visibility:visible!important}',
      });
      // Marp réduit les blocs de code trop larges par script (ResizeObserver) une fois la
      // diapositive mise en page : mesurer quand deux mesures successives concordent.
      const images = () => document.fonts.ready.then(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
      let mesures = null;
      for (let essai = 0; essai < 20; essai++) {
        await page.evaluate(images);
        const m = await page.evaluate(mesurerDansLaPage);
        if (mesures && JSON.stringify(m) === JSON.stringify(mesures)) break;
        mesures = m;
      }
      // Les polices incorporées (thème « cours ») sont celles qui servent : pas de repli
      // sur les polices de la machine, dont les largeurs changeraient les débordements.
      const polices = await page.evaluate(() =>
        [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/["']/g, '')));
      if (!polices.includes('Roboto Variable')) {
        echec(`police incorporée « Roboto Variable » non chargée (chargées : ${[...new Set(polices)].join(', ') || 'aucune'})`);
      }
      await page.evaluate((el) => el.remove(), style);
      await page.addStyleTag({ content: '.bespoke-marp-osc,.bespoke-progress-parent{display:none!important}' });
      total += mesures.length;
      if (!mesures.length) echec('aucune diapositive trouvée dans le HTML');
      for (const m of mesures) {
        for (const p of m.problemes) echec(`diapositive ${m.numero} : débordement : ${p}`);
        for (const s of m.imagesCassees) echec(`diapositive ${m.numero} : image non chargée : ${s}`);
        if (!m.note) echec(`diapositive ${m.numero} : pas de notes de présentation (commentaire <!-- … -->)`);
      }
      for (const [quand, n] of [['premiere', 1], ['derniere', mesures.length]]) {
        if (!n) continue;
        if (n > 1) {
          await page.keyboard.press('End');
        }
        await page.waitForFunction(
          (k) => document.querySelectorAll('svg.bespoke-marp-slide')[k - 1]?.classList.contains('bespoke-marp-active'),
          { timeout: 5000 }, n,
        );
        // La diapositive seule (Marp l'entoure d'un cadre noir quand les proportions diffèrent).
        const clip = await page.evaluate(() => {
          const r = document.querySelector('svg.bespoke-marp-slide.bespoke-marp-active section').getBoundingClientRect();
          return { x: r.x + 2, y: r.y + 2, width: r.width - 4, height: r.height - 4 }; // sans le bord lissé
        });
        const b64 = await page.screenshot({ encoding: 'base64', type: 'png', clip });
        fs.writeFileSync(path.join(captures, `${nom.replace(/\.html$/, '')}-${quand}.png`), Buffer.from(b64, 'base64'));
        const a = await page.evaluate(analyserCapture, b64);
        const m = mesures[n - 1];
        // Un titre d'un mot couvre déjà ~900 pixels ; le numéro de page seul, ~150.
        if (a.couleurs < 2 || a.differents < 400 || !m.contenu) {
          echec(`diapositive ${n} (${quand === 'premiere' ? 'première' : 'dernière'}) : capture vide (${a.couleurs} couleur(s), ${a.differents} pixels hors du fond)`);
        }
      }
      // Vue présentateur (touche P, ou ?view=presenter) : la note de la diapositive affichée.
      // Le modèle de page est le même pour tous : le premier diaporama suffit.
      if (mesures.length && presentateur && nom === noms[0]) {
        await page.goto(`${url}?view=presenter#1`, { waitUntil: 'load' });
        const note = await page
          .waitForFunction(() => {
            if (document.body.dataset.bespokeView !== 'presenter') return false;
            const n = document.querySelector('.bespoke-marp-presenter-note-container .bespoke-marp-note.active');
            return n ? n.textContent.trim() || false : false;
          }, { timeout: 5000 })
          .then((h) => h.jsonValue())
          .catch(() => '');
        if (mesures[0].note && note !== mesures[0].note) {
          echec('vue présentateur (?view=presenter) : la note de la diapositive 1 ne s\'affiche pas');
        }
      }
      for (const u of new Set(requetes)) echec(`requête refusée ou échouée : ${u}`);
      if (!silencieux) console.log(`    ${nom.padEnd(28)} ${mesures.length} diapositives`);
    }
  } finally {
    await page.close();
  }
  return { echecs, total, captures, n: noms.length };
}

// ---------------------------------------------------------------------------------------
// Témoins : la vérification doit savoir échouer. Des diaporamas fautifs, rendus comme les
// vrais ; chacun doit être refusé pour sa faute, et le diaporama correct accepté.
const TEMOINS = {
  '01-correct.md': { attendu: [], texte: `# Témoin correct\n\n<!-- note 1 -->\n\n---\n\n## Suite\n\n- un point\n\n<!-- note 2 -->\n` },
  '02-fautif.md': {
    attendu: [
      /diapositive 1 \(première\) : capture vide/,
      /diapositive 2 : débordement : le contenu dépasse en bas/,
      /diapositive 3 : débordement : .*sort de la diapositive \(\d+ px en largeur/,
      /diapositive 4 : pas de notes/,
      /chargée depuis le réseau/,
      /diapositive 5 : image non chargée/,
      /requête refusée/,
      /introuvable.*absente\.png/,
      /diapositive 6 : image non chargée/,
    ],
    texte: [
      '<!-- note 1 : diapositive vide -->',
      `## Trop haute\n\n${Array.from({ length: 16 }, (_, i) => `- point ${i + 1}`).join('\n')}\n\n<!-- note 2 -->`,
      '## Trop large\n\n<style scoped>p { width: 1600px; }</style>\n\nUn paragraphe plus large que la diapositive.\n\n<!-- note 3 -->',
      '## Sans notes',
      '## Image du réseau\n\n![](https://example.invalid/image.png)\n\n<!-- note 5 -->',
      '## Image absente\n\n![](absente.png)\n\n<!-- note 6 -->',
      '# Fin\n\n<!-- note 7 -->',
    ].join('\n\n---\n\n'),
    // Chaque faute ne doit être reprochée qu'à sa diapositive.
    seules: [1, 2, 3, 4, 5, 6],
  },
};

function ecrireTemoins(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [nom, t] of Object.entries(TEMOINS)) {
    fs.writeFileSync(path.join(dir, nom), `---\nmarp: true\nlang: fr\npaginate: true\n---\n\n${t.texte}`);
  }
}

// html : les témoins déjà rendus par scripts/diapos.sh (dans le même appel de Marp que les
// vrais diaporamas) ; sans eux, on les rend ici.
async function temoins(navigateur, html) {
  const os = await import('node:os');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'temoins-diapos-'));
  try {
    if (!html || !fs.existsSync(html)) {
      const { execFileSync } = await import('node:child_process');
      const src = path.join(base, 'slides');
      html = path.join(base, 'html');
      ecrireTemoins(src);
      const marp = path.join(SLIDES_DU_DEPOT, '..', 'node_modules', '.bin', 'marp');
      execFileSync(marp, ['--no-stdin', '--config-file', path.join(SLIDES_DU_DEPOT, 'marp.config.mjs'),
        '--input-dir', src, '-o', html], { stdio: 'pipe' });
    }
    const erreurs = preparer(html, html, { index: false });
    const { echecs } = await verifier(navigateur, html, diaporamas(html), { silencieux: true, presentateur: false });
    const tout = [...erreurs, ...echecs];
    if (process.env.DIAPOS_TEMOINS_DETAIL) for (const e of tout) console.log(`    témoin : ${e}`);
    const rates = [];
    for (const [nom, t] of Object.entries(TEMOINS)) {
      const fichier = nom.replace(/\.md$/, '.html');
      const siens = tout.filter((e) => e.startsWith(`${fichier} :`));
      if (!t.attendu.length && siens.length) rates.push(`${fichier} (correct) refusé à tort : ${siens.join(' | ')}`);
      for (const re of t.attendu) {
        if (!siens.some((e) => re.test(e))) rates.push(`${fichier} : faute non détectée (${re})`);
      }
      for (const e of siens) {
        const m = e.match(/diapositive (\d+)/);
        if (m && t.seules && !t.seules.includes(Number(m[1]))) rates.push(`reproche à tort : ${e}`);
      }
    }
    return rates;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// PDF : une page par diapositive, imprimée par Chromium depuis le HTML rendu (polices
// incorporées comprises, ce que « marp --pdf » ne sait pas faire avec des url() relatives).
async function imprimer(dir, noms) {
  if (!noms.length) noms = diaporamas(dir);
  const navigateur = await lancerNavigateur();
  try {
    const page = await navigateur.newPage();
    for (const nom of noms) {
      await page.goto(pathToFileURL(path.resolve(dir, nom)).href, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const pdf = path.join(dir, nom.replace(/\.html$/, '.pdf'));
      await page.pdf({ path: pdf, width: '1280px', height: '720px', printBackground: true, preferCSSPageSize: true });
      console.log(`    ${pdf}`);
    }
  } finally {
    await navigateur.close();
  }
}

if (mode === '--pdf') {
  await imprimer(dossier, reste);
} else if (mode === '--preparer') {
  const erreurs = preparer(dossier, reste[0] || 'slides');
  if (erreurs.length) {
    for (const e of erreurs) console.error(`diapos : ${e}`);
    process.exit(1);
  }
} else if (mode === '--ecrire-temoins') {
  ecrireTemoins(dossier);
} else if (mode === '--verifier') {
  const navigateur = await lancerNavigateur();
  let resultat;
  try {
    const t0 = Date.now();
    const rates = await temoins(navigateur, path.join(dossier, '_temoins'));
    const t1 = Date.now();
    if (rates.length) {
      console.error('diapos : la vérification elle-même est en défaut (diaporamas témoins) :');
      for (const r of rates) console.error(`  - ${r}`);
      process.exitCode = 1;
    } else {
      console.log(`    (témoins : un diaporama correct accepté, chaque faute d'un diaporama fautif détectée, ${((t1 - t0) / 1000).toFixed(1)} s)`);
      resultat = await verifier(navigateur, dossier, reste);
      resultat.duree = (Date.now() - t1) / 1000;
    }
  } finally {
    await navigateur.close();
  }
  if (resultat) {
    const { echecs, total, captures, n, duree } = resultat;
    if (echecs.length) {
      console.error(`diapos : ${echecs.length} problème(s) :`);
      for (const e of echecs) console.error(`  - ${e}`);
      process.exitCode = 1;
    } else {
      console.log(`==> ${n} diaporama(s), ${total} diapositives vérifiées en ${duree.toFixed(1)} s : aucune vide, aucun débordement, notes partout.`);
      console.log(`    Captures : ${captures}`);
    }
  }
} else {
  console.error(`verifier-diapos.mjs : mode inconnu ${mode}`);
  process.exit(2);
}
