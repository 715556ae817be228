#!/usr/bin/env bash
# Rend les diapositives du cours (slides/NN-*.md, Marp) en HTML statique dans
# build/diapos/ : un fichier .html autonome par chapitre (images et polices incorporées, aucune
# ressource réseau) et un index.html qui les liste.
#
#   bash scripts/diapos.sh [--verifier] [--pdf] [NN…]
#
#   --verifier  ouvre ensuite chaque diaporama dans Chromium sans interface : capture de
#               la première et de la dernière diapositive (build/diapos/captures/), aucune
#               des deux vide, aucune diapositive qui déborde, des notes pour chaque
#               diapositive (scripts/verifier-diapos.mjs).
#   --pdf       imprime aussi chaque diaporama en PDF (build/diapos/NN-slug.pdf, Chromium).
#   NN…         seulement ces chapitres (par défaut : tous).
#
# Dépendances : paquets Debian nodejs et npm (chromium en plus pour --verifier et --pdf) ;
# @marp-team/marp-cli, puppeteer-core et les polices (@fontsource-variable/roboto,
# roboto-mono) viennent de npm, aux versions exactes de package-lock.json, installés dans
# node_modules/ du dépôt.
set -euo pipefail

racine="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
sortie="$racine/build/diapos"

usage() {
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

verifier=0
pdf=0
chapitres=()
for arg in "$@"; do
    case "$arg" in
    --verifier) verifier=1 ;;
    --pdf) pdf=1 ;;
    -h | --help | aide)
        usage
        exit 0
        ;;
    [0-9] | [0-9][0-9]) chapitres+=("$(printf '%02d' "$((10#$arg))")") ;;
    *)
        echo "diapos : argument inconnu « $arg » (attendu : --verifier, --pdf ou un numéro de chapitre)." >&2
        exit 2
        ;;
    esac
done

manque=()
command -v node >/dev/null 2>&1 || manque+=(nodejs)
command -v npm >/dev/null 2>&1 || manque+=(npm)
if ((${#manque[@]})); then
    echo "diapos : Node.js et npm sont nécessaires pour rendre les diapositives (Marp)." >&2
    echo "  Installez-les : sudo apt-get install ${manque[*]}" >&2
    exit 1
fi

# Installation des dépendances npm si node_modules manque ou est plus ancien que le verrou.
cd "$racine"
if [[ ! -x node_modules/.bin/marp || ! -d node_modules/puppeteer-core ||
    ! -d node_modules/@fontsource-variable/roboto-mono ||
    package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "==> Installation de Marp depuis npm (versions de package-lock.json)…"
    if ! npm ci --no-audit --no-fund --loglevel=error; then
        echo "diapos : « npm ci » a échoué (registre npm injoignable ?)." >&2
        exit 1
    fi
fi

# Les diaporamas à rendre.
fichiers=()
if ((${#chapitres[@]})); then
    for nn in "${chapitres[@]}"; do
        trouve=("$racine"/slides/"$nn"-*.md)
        if [[ ! -e "${trouve[0]}" ]]; then
            echo "diapos : pas de diaporama pour le chapitre $nn (slides/$nn-*.md)." >&2
            exit 1
        fi
        fichiers+=("${trouve[@]}")
    done
else
    fichiers=("$racine"/slides/[0-9][0-9]-*.md)
fi

debut=$(date +%s%N)
mkdir -p "$sortie"
echo "==> Rendu de ${#fichiers[@]} diaporama(s) avec Marp…"
# Un seul processus Marp pour tous les diaporamas (copiés dans un dossier de travail :
# slides/ contient aussi README.md, qui n'est pas un diaporama).
sources="$sortie/.sources"
rm -rf "$sources"
mkdir -p "$sources"
cp "${fichiers[@]}" "$sources/"
# Les témoins de la vérification (diaporamas fautifs exprès), rendus dans le même appel.
rm -rf "$sortie/_temoins"
if ((verifier)); then
    node "$racine/scripts/verifier-diapos.mjs" --ecrire-temoins "$sources/_temoins"
fi
if ! journal=$(node_modules/.bin/marp --no-stdin \
    --config-file "$racine/slides/marp.config.mjs" \
    --input-dir "$sources" -o "$sortie" 2>&1); then
    echo "$journal" >&2
    echo "diapos : Marp a échoué (message ci-dessus)." >&2
    exit 1
fi
rm -rf "$sources"
for f in "${fichiers[@]}"; do
    echo "    $(basename "$f" .md).html"
done

# Images locales incorporées (data:), page d'index, contrôle « hors ligne ».
node "$racine/scripts/verifier-diapos.mjs" --preparer "$sortie" "$racine/slides"

fin=$(date +%s%N)
echo "==> Diapositives rendues en $(((fin - debut) / 1000000)) ms : $sortie/index.html"

noms=()
for f in "${fichiers[@]}"; do noms+=("$(basename "$f" .md).html"); done

if ((pdf)); then
    echo "==> Impression en PDF (Chromium)…"
    node "$racine/scripts/verifier-diapos.mjs" --pdf "$sortie" "${noms[@]}"
fi

if ((verifier)); then
    echo "==> Vérification dans Chromium sans interface…"
    node "$racine/scripts/verifier-diapos.mjs" --verifier "$sortie" "${noms[@]}"
fi
