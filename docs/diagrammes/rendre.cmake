# Rend un diagramme Graphviz en SVG (appelé en mode script par docs/diagrammes/CMakeLists.txt).
# Entrées : DOT (le programme dot), SOURCE (le .dot), SORTIE (le .svg).
# Le SVG porte l'empreinte SHA-256 de sa source dans un commentaire (« source_sha256=... ») :
# le test docs.diagrammes_a_jour vérifie ainsi que la copie versionnée à côté des sources
# vient bien du .dot actuel, sans dépendre de la version de Graphviz ni des polices.
file(SHA256 ${SOURCE} empreinte)
execute_process(
    COMMAND ${DOT} -Tsvg -Gcomment=source_sha256=${empreinte} -o ${SORTIE} ${SOURCE}
    RESULT_VARIABLE code
    ERROR_VARIABLE erreurs)
if(NOT code EQUAL 0)
    file(REMOVE ${SORTIE})
    message(FATAL_ERROR "dot n'a pas pu rendre ${SOURCE} :\n${erreurs}")
endif()
if(erreurs)
    # Un avertissement de dot (attribut inconnu, étiquette illisible...) est une erreur ici.
    file(REMOVE ${SORTIE})
    message(FATAL_ERROR "dot a émis des avertissements pour ${SOURCE} :\n${erreurs}")
endif()
