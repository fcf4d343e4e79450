// Word frequencies of the words given as arguments, with the C++ standard library only:
// containers, algorithms, string streams, file streams on the unikernel's ramfs and <chrono>.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include <sys/stat.h>

int main(int argc, char **argv) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unordered_map<std::string, int> counts;
  std::set<std::string> distinct;
  for (int i = 1; i < argc; i++) {
    std::string w = argv[i];
    std::transform(w.begin(), w.end(), w.begin(), [](unsigned char c) { return std::tolower(c); });
    counts[w]++;
    distinct.insert(w);
  }
  std::vector<std::pair<std::string, int>> byCount(counts.begin(), counts.end());
  // Most frequent first; ties in alphabetical order, so the output does not depend on hashing.
  std::sort(byCount.begin(), byCount.end(), [](const auto &a, const auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });

  std::cout << "cpp-stl: " << (argc - 1) << " words, " << distinct.size() << " distinct, first "
            << (distinct.empty() ? "-" : *distinct.begin()) << ", last "
            << (distinct.empty() ? "-" : *distinct.rbegin()) << "\n";
  std::ostringstream top;
  for (size_t i = 0; i < byCount.size() && i < 3; i++)
    top << (i ? " " : "") << byCount[i].first << '=' << byCount[i].second;
  std::cout << "cpp-stl: top " << top.str() << "\n";

  mkdir("/data", 0755);
  {
    std::ofstream csv("/data/freq.csv");
    for (const auto &[word, n] : byCount) csv << word << ',' << n << '\n';
  }
  std::ifstream in("/data/freq.csv");
  std::map<std::string, int> readBack;
  std::string line;
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    readBack[line.substr(0, comma)] = std::atoi(line.c_str() + comma + 1);
  }
  int total = 0;
  for (const auto &kv : readBack) total += kv.second;
  struct stat st {};
  stat("/data/freq.csv", &st);
  std::cout << "cpp-stl: /data/freq.csv has " << readBack.size() << " rows, " << st.st_size
            << " bytes, total " << total << "\n";

  const auto year = 1970 + std::chrono::duration_cast<std::chrono::hours>(
                               std::chrono::system_clock::now().time_since_epoch())
                                   .count() /
                               (24 * 365);
  const auto took = std::chrono::steady_clock::now() - t0;
  std::cout << "cpp-stl: year after 2023 " << (year > 2023 ? "yes" : "no") << ", steady clock "
            << (took.count() >= 0 ? "monotonic" : "went back") << std::endl;
  return readBack.size() == counts.size() && total == argc - 1 ? 0 : 1;
}
