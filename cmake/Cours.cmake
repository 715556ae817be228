# Fonctions CMake communes à tous les chapitres du cours.
#
#   cours_dossier_exercices(<slug> <var>)
#       <var> reçoit le dossier des fichiers d'exercice du chapitre <slug>
#       (solutions/<slug> par défaut, chapters/<slug>/exercices avec COURS_EXERCICES=ON ;
#       COURS_DOSSIER_SOLUTIONS remplace solutions/, pour les mutants de tests/mutants).
#
#   cours_tests(TARGET <cible> LABEL <chNN|runtime> SOURCES <fichiers...>
#               [EXERCICES <slug> [FICHIERS <.cpp relatifs au dossier d'exercices...>]]
#               [LIBS <cibles...>] [TIMEOUT <secondes>] [PLANIFICATEURS])
#       Un exécutable Boost.Test ; chaque BOOST_AUTO_TEST_CASE(nom) des sources devient un
#       test CTest « <LABEL>.<nom> » (un test par comportement, comme CS144 minnow).
#       Pas de BOOST_AUTO_TEST_SUITE : les cas sont au niveau racine.
#       PLANIFICATEURS : chaque cas est aussi rejoué sur le runtime multi_thread à 2 puis 4
#       workers (« <LABEL>.mt2.<nom> », « <LABEL>.mt4.<nom> ») : rt::block_on et
#       rt::Builder::from_env lisent RT_FLAVOR et RT_WORKER_THREADS.
#
#   cours_exemple(TARGET <cible> SOURCES <fichiers...> [TITRE "<titre>"] [ARGS <args...>]
#                 [SANS_TOUR])
#       Un programme d'exemple lié à rt::rt. Il est lancé par la visite guidée (./cours demo)
#       avec ARGS, sauf SANS_TOUR, et par CTest (label « exemples ») avec les mêmes ARGS.

function(cours_dossier_exercices slug var)
    if(COURS_EXERCICES)
        set(${var} ${PROJECT_SOURCE_DIR}/chapters/${slug}/exercices PARENT_SCOPE)
    else()
        set(${var} ${COURS_DOSSIER_SOLUTIONS}/${slug} PARENT_SCOPE)
    endif()
endfunction()

function(cours_tests)
    cmake_parse_arguments(T "PLANIFICATEURS" "TARGET;LABEL;EXERCICES;TIMEOUT"
                          "SOURCES;FICHIERS;LIBS" ${ARGN})
    set(sources ${T_SOURCES})
    if(T_EXERCICES)
        cours_dossier_exercices(${T_EXERCICES} dossier)
        foreach(f IN LISTS T_FICHIERS)
            list(APPEND sources ${dossier}/${f})
        endforeach()
    endif()
    add_executable(${T_TARGET} ${sources})
    target_link_libraries(${T_TARGET} PRIVATE rt::rt cours_warnings Boost::unit_test_framework
                                              cours_test_support ${T_LIBS})
    target_compile_definitions(${T_TARGET} PRIVATE BOOST_TEST_DYN_LINK)
    if(T_EXERCICES)
        target_include_directories(${T_TARGET} PRIVATE ${dossier})
    endif()
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 60)
    endif()
    foreach(src IN LISTS T_SOURCES)
        # Les cas sont lus dans la source : un cas ajouté, renommé ou retiré doit refaire la
        # configuration, sinon CTest lancerait des cas qui n'existent plus.
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                     ${CMAKE_CURRENT_SOURCE_DIR}/${src})
        file(READ ${CMAKE_CURRENT_SOURCE_DIR}/${src} contenu)
        string(REGEX MATCHALL "BOOST_(AUTO|FIXTURE)_TEST_CASE\\([ \t\n]*[A-Za-z0-9_]+" cas
                             "${contenu}")
        foreach(c IN LISTS cas)
            string(REGEX REPLACE ".*\\([ \t\n]*" "" nom "${c}")
            add_test(NAME ${T_LABEL}.${nom} COMMAND ${T_TARGET} --run_test=${nom}
                                                   --log_level=message)
            set_tests_properties(${T_LABEL}.${nom} PROPERTIES LABELS ${T_LABEL}
                                 TIMEOUT ${T_TIMEOUT})
            if(T_PLANIFICATEURS)
                foreach(workers 2 4)
                    set(variante ${T_LABEL}.mt${workers}.${nom})
                    add_test(NAME ${variante} COMMAND ${T_TARGET} --run_test=${nom}
                                                      --log_level=message)
                    set_tests_properties(${variante} PROPERTIES
                        LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
                        ENVIRONMENT "RT_FLAVOR=multi_thread;RT_WORKER_THREADS=${workers}")
                endforeach()
            endif()
        endforeach()
    endforeach()
endfunction()

function(cours_exemple)
    cmake_parse_arguments(E "SANS_TOUR" "TARGET;TITRE" "SOURCES;ARGS;LIBS" ${ARGN})
    add_executable(${E_TARGET} ${E_SOURCES})
    target_link_libraries(${E_TARGET} PRIVATE rt::rt cours_warnings ${E_LIBS})
    get_filename_component(slug ${CMAKE_CURRENT_SOURCE_DIR} NAME)
    if(COURS_TESTS)
        add_test(NAME exemples.${E_TARGET} COMMAND ${E_TARGET} ${E_ARGS})
        set_tests_properties(exemples.${E_TARGET} PROPERTIES LABELS exemples TIMEOUT 120)
    endif()
    if(NOT E_SANS_TOUR)
        if(NOT E_TITRE)
            set(E_TITRE ${E_TARGET})
        endif()
        list(JOIN E_ARGS " " args)
        set_property(GLOBAL APPEND PROPERTY COURS_TOUR
                     "${slug}\t$<TARGET_FILE:${E_TARGET}>\t${args}\t${E_TITRE}")
    endif()
endfunction()

# Écrit build/tour.tsv : une ligne par exemple (chapitre, exécutable, arguments, titre),
# lue par « ./cours demo ».
function(cours_ecrire_tour)
    get_property(lignes GLOBAL PROPERTY COURS_TOUR)
    list(JOIN lignes "\n" texte)
    file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/tour.tsv CONTENT "${texte}\n")
endfunction()

# cours_extraits_lecon(<slug>)
#   Test CTest « exemples.chNN_extraits_lecon » : chaque bloc de code de
#   chapters/<slug>/README.md précédé de « <!-- extrait: chemin --> » doit se trouver mot pour
#   mot dans le fichier cité (le code d'une leçon est toujours celui d'un fichier compilé).
function(cours_extraits_lecon slug)
    string(SUBSTRING ${slug} 0 2 numero)
    add_test(NAME exemples.ch${numero}_extraits_lecon
             COMMAND cours_verifier_extraits ${PROJECT_SOURCE_DIR}
                     ${PROJECT_SOURCE_DIR}/chapters/${slug}/README.md)
    set_tests_properties(exemples.ch${numero}_extraits_lecon
                         PROPERTIES LABELS exemples TIMEOUT 30)
endfunction()
