// Vérifie que les extraits de code de la leçon sont bien ceux des fichiers compilés.
//
// Dans un README.md, un bloc de code précédé de la ligne
//     <!-- extrait: chemin/depuis/la/racine.cpp -->
// doit apparaître tel quel (mêmes lignes, même indentation) dans ce fichier. Ainsi la leçon
// ne cite jamais du code recopié à la main qui aurait divergé du code qui compile.
//
// Usage : verifier_extraits <racine du dépôt> <README.md>...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace {

bool lire(const std::string& chemin, std::string& contenu) {
    std::ifstream f(chemin, std::ios::binary);
    if (!f) {
        return false;
    }
    contenu.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    return true;
}

std::vector<std::string> lignes(const std::string& texte) {
    std::vector<std::string> out;
    std::istringstream in(texte);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

int verifier(const std::string& racine, const std::string& lecon) {
    std::string texte;
    if (!lire(lecon, texte)) {
        std::fprintf(stderr, "%s : illisible\n", lecon.c_str());
        return 1;
    }
    const std::string marque = "<!-- extrait: ";
    const auto ls = lignes(texte);
    int erreurs = 0;
    int extraits = 0;
    for (std::size_t i = 0; i < ls.size(); ++i) {
        if (ls[i].rfind(marque, 0) != 0) {
            continue;
        }
        const auto fin = ls[i].find(" -->");
        const std::string source = ls[i].substr(marque.size(), fin - marque.size());
        std::size_t j = i + 1;
        while (j < ls.size() && ls[j].rfind("```", 0) != 0) {
            ++j;
        }
        std::string bloc;
        std::size_t k = j + 1;
        for (; k < ls.size() && ls[k].rfind("```", 0) != 0; ++k) {
            bloc += ls[k] + "\n";
        }
        ++extraits;
        std::string code;
        if (!lire(racine + "/" + source, code)) {
            std::fprintf(stderr, "%s:%zu : fichier cité introuvable : %s\n", lecon.c_str(), i + 1,
                         source.c_str());
            ++erreurs;
        } else if (bloc.empty() || code.find(bloc) == std::string::npos) {
            std::fprintf(stderr,
                         "%s:%zu : l'extrait ne correspond plus à %s ; recopiez-le depuis le "
                         "fichier compilé\n",
                         lecon.c_str(), i + 1, source.c_str());
            ++erreurs;
        }
        i = k;
    }
    std::printf("%s : %d extrait(s) vérifié(s), %d divergent(s)\n", lecon.c_str(), extraits,
                erreurs);
    return erreurs == 0 && extraits > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage : verifier_extraits <racine> <README.md>...\n");
        return 2;
    }
    int rc = 0;
    for (int i = 2; i < argc; ++i) {
        rc |= verifier(argv[1], argv[i]);
    }
    return rc;
}
