# Construit un projet cargo HORS LIGNE contre les sources Rust de Debian (appelé en mode
# script par les cibles article_tokio, voir article/CMakeLists.txt, et bench_tokio_rs, voir
# bench/CMakeLists.txt) : un CARGO_HOME privé remplace crates.io par le registre Debian.
#
# Entrées : CARGO, SOURCE (le projet : Cargo.toml et src/), DOSSIER (dans build/), REGISTRE
# (/usr/share/cargo/registry), PROFIL (debug ou release), BINAIRES (liste « a,b,c » des
# binaires produits), QUOI (ce que l'on construit, pour les messages).
# Ne fait jamais échouer la construction du cours : en cas d'échec, la raison est écrite dans
# DOSSIER/raison.txt (les tests la lisent et sont sautés) et les anciens binaires sont retirés.

# Le projet est copié dans le dossier de construction : cargo y écrit Cargo.lock et target/.
# On recopie à chaque fois (src/ entier : un fichier retiré des sources doit disparaître).
file(REMOVE_RECURSE ${DOSSIER}/src)
file(COPY ${SOURCE}/Cargo.toml ${SOURCE}/src DESTINATION ${DOSSIER})

# Un CARGO_HOME privé : crates.io est remplacé par le registre Debian, et tout réseau interdit.
file(MAKE_DIRECTORY ${DOSSIER}/cargo-home)
file(WRITE ${DOSSIER}/cargo-home/config.toml
"[source.crates-io]
replace-with = \"debian\"

[source.debian]
directory = \"${REGISTRE}\"

[net]
offline = true
")

set(option_profil "")
if(PROFIL STREQUAL "release")
    set(option_profil --release)
endif()

string(TIMESTAMP debut "%s")
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env CARGO_HOME=${DOSSIER}/cargo-home
            ${CARGO} build --offline ${option_profil} --quiet
            --manifest-path ${DOSSIER}/Cargo.toml --target-dir ${DOSSIER}/target
    RESULT_VARIABLE code
    OUTPUT_VARIABLE sortie
    ERROR_VARIABLE erreurs)
string(TIMESTAMP fin "%s")
math(EXPR duree "${fin} - ${debut}")

if(code EQUAL 0)
    file(REMOVE ${DOSSIER}/raison.txt)
    if(duree GREATER 5)
        message(STATUS "${QUOI} : cargo build --offline (${PROFIL}) en ${duree} s")
    endif()
else()
    # La première ligne d'erreur suffit pour le message du test sauté ; le détail reste au
    # journal.
    string(REGEX MATCH "error[^\n]*" premiere "${erreurs}")
    if(NOT premiere)
        set(premiere "code ${code}")
    endif()
    file(WRITE ${DOSSIER}/raison.txt "échec de « cargo build --offline » : ${premiere}\n")
    file(WRITE ${DOSSIER}/cargo-erreurs.log "${erreurs}")
    message(WARNING "${QUOI} : construction hors ligne impossible (${premiere}) ; "
                    "la construction continue sans eux. Détail : ${DOSSIER}/cargo-erreurs.log")
    # Un ancien binaire ne doit pas passer pour le nouveau.
    string(REPLACE "," ";" binaires "${BINAIRES}")
    foreach(b IN LISTS binaires)
        file(REMOVE ${DOSSIER}/target/${PROFIL}/${b})
    endforeach()
endif()
