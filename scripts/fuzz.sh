#!/usr/bin/env bash
# Lance un fuzzeur libFuzzer du cours pendant un temps donné.
#
#   scripts/fuzz.sh NOM SECONDES     (ex. scripts/fuzz.sh lecture_ligne 60)
#
# Construit build/fuzz avec clang++-19 (fuzzer + ASan + UBSan sur tout le code), puis lance
# build/fuzz/tests/fuzz/fuzz_NOM sur une copie du corpus tests/fuzz/corpus/NOM (avec le
# dictionnaire tests/fuzz/NOM.dict s'il existe). Code de sortie
# non nul si le fuzzeur trouve un plantage ou une propriété violée (le cas fautif est gardé
# dans build/fuzz/plantages/NOM/).
set -euo pipefail

if (($# != 2)) || ! [[ $2 =~ ^[0-9]+$ ]]; then
    printf 'usage : %s NOM SECONDES\n' "$0" >&2
    exit 2
fi
nom=$1
secondes=$2
racine="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
construction="$racine/build/fuzz"
corpus_source="$racine/tests/fuzz/corpus/$nom"
if [[ ! -d $corpus_source ]]; then
    printf 'erreur : pas de corpus %s (fuzzeurs connus : %s)\n' "$corpus_source" \
        "$(ls "$racine/tests/fuzz/corpus" | tr '\n' ' ')" >&2
    exit 2
fi

cmake -S "$racine" -B "$construction" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-19 -DCOURS_FUZZ=ON -DCOURS_TESTS=OFF -DCOURS_BENCH=OFF \
    -DCOURS_CHAPITRES=OFF \
    "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -fsanitize=fuzzer-no-link" \
    >/dev/null
cmake --build "$construction" --target "fuzz_$nom" -j "${COURS_JOBS:-2}"

# Le corpus grandit pendant la séance : on travaille sur une copie, le dépôt reste propre.
corpus="$construction/corpus/$nom"
plantages="$construction/plantages/$nom"
mkdir -p "$corpus" "$plantages"
cp -n "$corpus_source"/* "$corpus"/ 2>/dev/null || true
options=()
if [[ -f $racine/tests/fuzz/$nom.dict ]]; then
    options+=("-dict=$racine/tests/fuzz/$nom.dict")
fi
printf 'Fuzzeur %s : %s s, corpus %s\n' "$nom" "$secondes" "$corpus"
"$construction/tests/fuzz/fuzz_$nom" -max_total_time="$secondes" -print_final_stats=1 \
    -artifact_prefix="$plantages/" "${options[@]}" "$corpus"
