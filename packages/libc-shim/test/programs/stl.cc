#include <chrono>
#include <iostream>
#include <map>
#include <string>
#include <vector>
#include <algorithm>
#include <fstream>
int main(int argc, char **argv) {
  std::vector<int> v{5, 3, 9, 1};
  std::sort(v.begin(), v.end());
  std::map<std::string, int> m{{"b", 2}, {"a", 1}};
  auto t0 = std::chrono::steady_clock::now();
  { std::ofstream f("/tmp/cpp.txt"); f << "from c++ " << v.size() << "\n"; }
  std::ifstream in("/tmp/cpp.txt"); std::string line; std::getline(in, line);
  auto dt = std::chrono::steady_clock::now() - t0;
  std::cout << "cpp: sorted";
  for (int x : v) std::cout << ' ' << x;
  std::cout << "; map first " << m.begin()->first << "; file [" << line << "]; clock "
            << (dt.count() >= 0 ? "ok" : "bad") << std::endl;
  return 0;
}
