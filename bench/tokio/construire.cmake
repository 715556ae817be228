# Construit bench/tokio/ hors ligne (appelé par la cible bench_tokio_rs, en mode script).
# Entrées : CARGO, SOURCE (bench/tokio), DOSSIER (dans build/), REGISTRE (sources Debian).
# Ne fait jamais échouer la construction : en cas d'échec, écrit la raison dans raison.txt.

# Le projet est copié dans le dossier de construction : cargo y écrit Cargo.lock et target/.
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

execute_process(
    COMMAND ${CMAKE_COMMAND} -E env CARGO_HOME=${DOSSIER}/cargo-home
            ${CARGO} build --offline --release --quiet
            --manifest-path ${DOSSIER}/Cargo.toml --target-dir ${DOSSIER}/target
    RESULT_VARIABLE code
    OUTPUT_VARIABLE sortie
    ERROR_VARIABLE erreurs)

if(code EQUAL 0)
    file(REMOVE ${DOSSIER}/raison.txt)
else()
    # La première ligne d'erreur suffit pour le tableau ; le détail reste dans le journal.
    string(REGEX MATCH "error[^\n]*" premiere "${erreurs}")
    if(NOT premiere)
        set(premiere "code ${code}")
    endif()
    file(WRITE ${DOSSIER}/raison.txt "échec de « cargo build --offline » : ${premiere}\n")
    file(WRITE ${DOSSIER}/cargo-erreurs.log "${erreurs}")
    message(WARNING "tokio : construction hors ligne impossible (${premiere}) ; "
                    "les benchmarks continuent sans tokio. Détail : ${DOSSIER}/cargo-erreurs.log")
    # Un ancien binaire ne doit pas passer pour le nouveau.
    file(REMOVE ${DOSSIER}/target/release/tokio_bench)
endif()
