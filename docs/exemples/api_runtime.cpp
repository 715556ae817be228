/// \file
/// \brief Documentation de l'API — construire un runtime avec `rt::Builder` (test
/// `exemples.doc_api_runtime`).
///
/// Le bloc « builder », entre ses deux marqueurs, est cité dans la documentation de
/// `rt::Builder` (commande Doxygen `\snippet`). Le programme sort en erreur (code 1) si un
/// runtime ne rend pas la valeur attendue.
#include <rt/rt.hpp>

#include <iostream>

namespace {

rt::Task<int> main_async() {
    auto handle = rt::spawn([]() -> rt::Task<int> { co_return 20; });
    co_return 1 + (co_await handle).value() * 2;
}

} // namespace

int main() {
    //! [builder]
    rt::Runtime runtime = rt::Builder::current_thread().build();
    int v = runtime.block_on(main_async());

    rt::Runtime pool = rt::Builder::multi_thread().worker_threads(4).build();
    int w = pool.block_on(main_async());
    //! [builder]
    std::cout << "current_thread : " << v << ", multi_thread (4 workers) : " << w << std::endl;
    return (v == 41 && w == 41) ? 0 : 1;
}
