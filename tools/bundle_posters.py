"""Copy ~1,300 real TMDB posters of the tutorial's movies into fixtures/posters/ (< 20 MB).

Source: ../shared/data/posters/ (w185 JPEGs named <tmdb_id>.jpg, listed in posters.csv; see that
folder's README for provenance). Movies are taken file by file in the order below — the tutorial's
poster-model input first — keeping the first 1,300 distinct ids that have a poster, so that every
poster belongs to a movie with labels in the bundled data. Writes fixtures/posters/index.csv
(file, tmdb_id, title, source) and prints the total size. Run from the crate root:
    /opt/skl/bin/python tools/bundle_posters.py [SHARED_DATA_DIR]
"""

import csv
import gzip
import json
import os
import shutil
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "..", "shared", "data")
OUT = os.path.join(ROOT, "fixtures", "posters")
COUNT = 1300
MAX_BYTES = 20_000_000
SOURCES = [
    "paritoshgoyal_final_movies_set",
    "paritoshgoyal_poster_movies",
    "paritoshgoyal_movies_with_overviews",
    "paritoshgoyal_movies_for_posters",
    "paritoshgoyal_movie_list123",
]


def main():
    with open(os.path.join(DATA, "posters", "posters.csv"), newline="") as f:
        posters = {r["tmdb_id"]: r for r in csv.DictReader(f)}
    chosen = []
    seen = set()
    for name in SOURCES:
        with gzip.open(os.path.join(DATA, "tmdb_tutorial", name + ".json.gz")) as f:
            for movie in json.load(f):
                i = str(movie["id"])
                if i in posters and i not in seen and len(chosen) < COUNT:
                    seen.add(i)
                    chosen.append((i, posters[i]["title"], name))
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for i, _, _ in chosen:
        src = os.path.join(DATA, "posters", posters[i]["file"])
        shutil.copyfile(src, os.path.join(OUT, f"{i}.jpg"))
        total += os.path.getsize(src)
    with open(os.path.join(OUT, "index.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "tmdb_id", "title", "source"])
        for i, title, source in chosen:
            w.writerow([f"{i}.jpg", i, title, source])
    assert total < MAX_BYTES, total
    print(f"{len(chosen)} posters, {total / 1e6:.1f} MB in {OUT}")


if __name__ == "__main__":
    main()
