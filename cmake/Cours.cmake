# Fonctions CMake communes à tous les chapitres du cours.
#
# Cibles pour les IDE (VS Code, CLion…) : « verifierNN » (verifier03, verifier11…), une par
# chapitre qui a des tests notés. Elle construit les programmes de test du chapitre puis lance
# ses tests notés : ctest -L '^chNN$' --output-on-failure. Dans le preset « etudiant », c'est
# votre travail qui est vérifié (cmake --build --preset etudiant --target verifier03).
#
# Variables de cache :
#   COURS_EXERCICES          OFF : tests notés contre les solutions ; ON : contre les exercices.
#   COURS_DOSSIER_SOLUTIONS  le dossier des solutions (défaut : solutions/ ; les mutants de
#                            tests/mutants en donnent une copie faussée).
#   COURS_DOSSIER_EXERCICES  le dossier qui contient <slug>/exercices/ (défaut : chapters/ ;
#                            la notation d'une copie d'étudiant y met sa copie de travail).
#
# Tests notés : un programme par exercice, « test_chNN_<id> » ; chacun de ses tests CTest
# « chNN.<cas> » porte deux labels, « chNN » (le chapitre) et « chNN-<id> » (l'exercice) :
#   ctest -L '^ch03$'                 tout le chapitre 03
#   ctest -L '^ch03-mini_executor$'   un seul exercice
# Une erreur de compilation dans un exercice ne touche que son programme : l'autre exercice
# du chapitre se construit et se note quand même (cmake --build … --target test_chNN_<id>).
#
#   cours_dossier_exercices(<slug> <var>)
#       <var> reçoit le dossier des fichiers d'exercice du chapitre <slug>
#       (COURS_DOSSIER_SOLUTIONS/<slug> par défaut, COURS_DOSSIER_EXERCICES/<slug>/exercices
#       avec COURS_EXERCICES=ON).
#
#   cours_tests(TARGET <cible> LABEL <chNN|runtime|exemples…> SOURCES <fichiers...>
#               [EXERCICES <slug> [EXERCICE <id>] [FICHIERS <.cpp relatifs au dossier d'exercices...>]]
#               [LIBS <cibles...>] [TIMEOUT <secondes>] [PLANIFICATEURS])
#       Un exécutable Boost.Test ; chaque BOOST_AUTO_TEST_CASE(nom) des sources devient un
#       test CTest « <LABEL>.<nom> » (un test par comportement, comme CS144 minnow).
#       Pas de BOOST_AUTO_TEST_SUITE : les cas sont au niveau racine.
#       EXERCICE <id> : les tests portent aussi le label « <LABEL>-<id> », et les en-têtes
#       sont vus à travers cours_exercice_inclure (ci-dessous) : ceux de l'exercice <id> sont
#       ceux de l'étudiant, ceux de l'autre exercice du chapitre viennent des solutions quand
#       elles sont là.
#       PLANIFICATEURS : chaque cas est aussi rejoué sur le runtime multi_thread à 2 puis 4
#       workers (« <LABEL>.mt2.<nom> », « <LABEL>.mt4.<nom> ») : rt::block_on et
#       rt::Builder::from_env lisent RT_FLAVOR et RT_WORKER_THREADS.
#
#   cours_tests_ctest(TARGET <cible> LABEL <chNN…> SOURCES <fichiers...> [EXERCICE <id>]
#                     [TIMEOUT <secondes>] [PLANIFICATEURS])
#       La seule déclaration des tests CTest (labels, délais, cible verifierNN), pour un
#       exécutable écrit à la main (chapitres 09 et 11 : copies sous ThreadSanitizer).
#
#   cours_exercice_inclure(<cible> <slug> <id> [FICHIERS <noms...>])
#       Ajoute à <cible> un dossier d'en-têtes généré dans le build (exercices/<slug>/<id>/) :
#       un relais par en-tête (.hpp, .h…) du dossier d'exercices du chapitre. Les fichiers de
#       l'exercice <id> (nom sans extension « <id> » ou « <id>_… », ou cités dans FICHIERS)
#       relaient vers le dossier d'exercices ; les autres vers COURS_DOSSIER_SOLUTIONS/<slug>
#       quand le fichier y est (arbre de l'enseignant), sinon vers le dossier d'exercices (modèle
#       étudiant, sans solutions/). Ainsi un en-tête cassé de l'autre exercice ne casse pas
#       celui-ci. Limite : un fichier d'exercice qui inclut celui de l'autre exercice avec des
#       guillemets (#include "x.hpp") trouve d'abord son voisin de dossier ; il doit écrire
#       #include <x.hpp> pour passer par le relais.
#
#   cours_exemple(TARGET <cible> SOURCES <fichiers...> [TITRE "<titre>"] [ARGS <args...>]
#                 [EXERCICE <id>] [SANS_TOUR])
#       Un programme d'exemple lié à rt::rt. Il est lancé par la visite guidée (./cours demo)
#       avec ARGS, sauf SANS_TOUR, et par CTest (label « exemples ») avec les mêmes ARGS.
#       EXERCICE <id> : il est compilé avec le code de l'exercice <id> du chapitre ; dans le
#       dépôt des étudiants, la visite dit qu'il attend cet exercice au lieu d'un échec.

set(COURS_DOSSIER_EXERCICES "${PROJECT_SOURCE_DIR}/chapters" CACHE PATH
    "Dossier qui contient <slug>/exercices/ (les fichiers de l'étudiant, avec COURS_EXERCICES=ON)")

function(cours_dossier_exercices slug var)
    if(COURS_EXERCICES)
        set(${var} ${COURS_DOSSIER_EXERCICES}/${slug}/exercices PARENT_SCOPE)
    else()
        set(${var} ${COURS_DOSSIER_SOLUTIONS}/${slug} PARENT_SCOPE)
    endif()
endfunction()

function(cours_exercice_inclure cible slug id)
    cmake_parse_arguments(I "" "" "FICHIERS" ${ARGN})
    cours_dossier_exercices(${slug} dossier)
    set(relais ${CMAKE_BINARY_DIR}/exercices/${slug}/${id})
    # Un fichier ajouté ou retiré du dossier d'exercices refait la configuration.
    file(GLOB fichiers LIST_DIRECTORIES false CONFIGURE_DEPENDS ${dossier}/*)
    file(MAKE_DIRECTORY ${relais})
    set(attendus "")
    foreach(chemin IN LISTS fichiers)
        get_filename_component(nom ${chemin} NAME)
        get_filename_component(extension ${chemin} LAST_EXT)
        if(NOT extension MATCHES "^\\.(h|hh|hpp|hxx|ipp|tpp|inl)$")
            continue() # seuls les en-têtes sont inclus ; les sources sont compilées (FICHIERS)
        endif()
        string(REGEX REPLACE "\\..*$" "" racine_nom ${nom})
        set(source ${chemin})
        if(NOT (racine_nom STREQUAL id OR racine_nom MATCHES "^${id}_" OR nom IN_LIST I_FICHIERS)
           AND EXISTS ${COURS_DOSSIER_SOLUTIONS}/${slug}/${nom})
            set(source ${COURS_DOSSIER_SOLUTIONS}/${slug}/${nom})
        endif()
        list(APPEND attendus ${nom})
        # Écrit seulement si le contenu change : pas de recompilation à chaque configuration.
        file(CONFIGURE OUTPUT ${relais}/${nom} CONTENT
             "// Généré par cmake/Cours.cmake (exercice « ${id} ») : ne pas modifier.\n#include \"${source}\"\n" @ONLY)
    endforeach()
    # Un relais dont le fichier a disparu ne doit pas masquer l'erreur « fichier introuvable ».
    file(GLOB anciens LIST_DIRECTORIES false ${relais}/*)
    foreach(ancien IN LISTS anciens)
        get_filename_component(nom ${ancien} NAME)
        if(NOT nom IN_LIST attendus)
            file(REMOVE ${ancien})
        endif()
    endforeach()
    target_include_directories(${cible} PRIVATE ${relais})
endfunction()

# La cible verifierNN du chapitre de <label> (chNN) : créée au premier programme, elle dépend
# de tous les programmes de tests notés du chapitre.
function(cours_cible_verifier label cible)
    if(NOT label MATCHES "^ch([0-9][0-9])$")
        return()
    endif()
    set(verifier verifier${CMAKE_MATCH_1})
    if(NOT TARGET ${verifier})
        add_custom_target(${verifier}
            COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${CMAKE_BINARY_DIR} -L "^${label}$"
                    --output-on-failure
            WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
            COMMENT "Tests notés du chapitre ${CMAKE_MATCH_1} (ctest -L '^${label}$')"
            USES_TERMINAL VERBATIM)
    endif()
    add_dependencies(${verifier} ${cible})
endfunction()

function(cours_tests_ctest)
    cmake_parse_arguments(T "PLANIFICATEURS" "TARGET;LABEL;EXERCICE;TIMEOUT" "SOURCES" ${ARGN})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 60)
    endif()
    set(labels ${T_LABEL})
    if(T_EXERCICE)
        list(APPEND labels ${T_LABEL}-${T_EXERCICE})
    endif()
    cours_cible_verifier(${T_LABEL} ${T_TARGET})
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
            set_tests_properties(${T_LABEL}.${nom} PROPERTIES LABELS "${labels}"
                                 TIMEOUT ${T_TIMEOUT})
            if(T_PLANIFICATEURS)
                foreach(workers 2 4)
                    set(variante ${T_LABEL}.mt${workers}.${nom})
                    add_test(NAME ${variante} COMMAND ${T_TARGET} --run_test=${nom}
                                                      --log_level=message)
                    set_tests_properties(${variante} PROPERTIES
                        LABELS "${labels}" TIMEOUT ${T_TIMEOUT}
                        ENVIRONMENT "RT_FLAVOR=multi_thread;RT_WORKER_THREADS=${workers}")
                endforeach()
            endif()
        endforeach()
    endforeach()
endfunction()

# Si aucune source de <cible> ne définit BOOST_TEST_MODULE (un programme par exercice : le
# module est souvent défini dans le fichier de tests de l'autre exercice), ajoute à la liste
# <var> un point d'entrée Boost.Test généré dans le build.
function(cours_tests_main cible label exercice var)
    foreach(src IN LISTS ARGN)
        file(READ ${CMAKE_CURRENT_SOURCE_DIR}/${src} contenu)
        if(contenu MATCHES "#[ \t]*define[ \t]+BOOST_TEST_MODULE")
            return()
        endif()
    endforeach()
    set(titre "${label}")
    if(exercice)
        set(titre "${label} : exercice ${exercice}")
    endif()
    set(main ${CMAKE_CURRENT_BINARY_DIR}/${cible}_main.cpp)
    file(CONFIGURE OUTPUT ${main} CONTENT
         "// Généré par cmake/Cours.cmake : le point d'entrée Boost.Test de ${cible}.\n#define BOOST_TEST_MODULE \"${titre}\"\n#include <boost/test/unit_test.hpp>\n" @ONLY)
    set(${var} ${${var}} ${main} PARENT_SCOPE)
endfunction()

function(cours_tests)
    cmake_parse_arguments(T "PLANIFICATEURS" "TARGET;LABEL;EXERCICES;EXERCICE;TIMEOUT"
                          "SOURCES;FICHIERS;LIBS" ${ARGN})
    if(T_EXERCICE AND NOT T_EXERCICES)
        message(FATAL_ERROR "cours_tests(${T_TARGET}) : EXERCICE ${T_EXERCICE} sans EXERCICES <slug>")
    endif()
    set(sources ${T_SOURCES})
    if(T_EXERCICES)
        cours_dossier_exercices(${T_EXERCICES} dossier)
        foreach(f IN LISTS T_FICHIERS)
            list(APPEND sources ${dossier}/${f})
        endforeach()
    endif()
    cours_tests_main(${T_TARGET} "${T_LABEL}" "${T_EXERCICE}" sources ${T_SOURCES})
    add_executable(${T_TARGET} ${sources})
    target_link_libraries(${T_TARGET} PRIVATE rt::rt cours_warnings Boost::unit_test_framework
                                              cours_test_support ${T_LIBS})
    target_compile_definitions(${T_TARGET} PRIVATE BOOST_TEST_DYN_LINK)
    if(T_EXERCICE)
        cours_exercice_inclure(${T_TARGET} ${T_EXERCICES} ${T_EXERCICE} FICHIERS ${T_FICHIERS})
    elseif(T_EXERCICES)
        target_include_directories(${T_TARGET} PRIVATE ${dossier})
    endif()
    set(options "")
    foreach(mot EXERCICE TIMEOUT)
        if(T_${mot})
            list(APPEND options ${mot} ${T_${mot}})
        endif()
    endforeach()
    if(T_PLANIFICATEURS)
        list(APPEND options PLANIFICATEURS)
    endif()
    cours_tests_ctest(TARGET ${T_TARGET} LABEL ${T_LABEL} SOURCES ${T_SOURCES} ${options})
endfunction()

function(cours_exemple)
    cmake_parse_arguments(E "SANS_TOUR" "TARGET;TITRE;EXERCICE" "SOURCES;ARGS;LIBS" ${ARGN})
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
                     "${slug}\t$<TARGET_FILE:${E_TARGET}>\t${args}\t${E_TITRE}\t${E_EXERCICE}")
    endif()
endfunction()

# Écrit build/tour.tsv : une ligne par exemple (chapitre, exécutable, arguments, titre,
# exercice dont il est compilé s'il y en a un), lue par « ./cours demo ».
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
