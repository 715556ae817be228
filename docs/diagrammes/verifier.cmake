# Test docs.diagrammes_a_jour : chaque docs/diagrammes/X.svg versionné (celui que les leçons
# affichent sur GitHub, sans construction) doit venir du X.dot actuel. Le SVG porte l'empreinte
# SHA-256 de sa source (voir rendre.cmake) ; on la compare à celle du .dot. Entrée : DOSSIER.
file(GLOB sources ${DOSSIER}/*.dot)
set(perimes "")
foreach(source IN LISTS sources)
    get_filename_component(nom ${source} NAME_WE)
    file(SHA256 ${source} empreinte)
    set(svg ${DOSSIER}/${nom}.svg)
    if(NOT EXISTS ${svg})
        string(APPEND perimes "\n  ${nom}.svg manque")
        continue()
    endif()
    file(READ ${svg} contenu)
    string(FIND "${contenu}" "source_sha256=${empreinte}" trouve)
    if(trouve EQUAL -1)
        string(APPEND perimes "\n  ${nom}.svg ne vient pas du ${nom}.dot actuel")
    endif()
endforeach()
if(perimes)
    message(FATAL_ERROR "Diagrammes versionnés périmés (docs/diagrammes) :${perimes}\n"
            "Reconstruisez-les puis committez les .svg : "
            "cmake --build <dossier de construction> --target diagrammes_copier")
endif()
list(LENGTH sources n)
message(STATUS "Les ${n} diagrammes versionnés viennent bien de leurs sources .dot.")
