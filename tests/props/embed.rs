//! Word vectors: files round-trip exactly, and a one-token mean is that token's vector.

use cinegenre::embed::{Format, ReadOptions, WordVectors, mean_vectors, read_vectors, write_vectors};
use proptest::prelude::*;

fn temp_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cinegenre-props-embed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Distinct words matching `pattern`, and finite values.
fn tables_of(pattern: &'static str) -> impl Strategy<Value = WordVectors> {
    (1usize..6, prop::collection::btree_set(pattern, 1..12)).prop_flat_map(|(dim, words)| {
        let n = words.len();
        prop::collection::vec(any::<f32>().prop_filter("finite", |v| v.is_finite()), n * dim).prop_map(
            move |data| WordVectors::from_rows(dim, words.iter().cloned().collect(), &data).unwrap(),
        )
    })
}

/// Any words without spaces or line breaks (the formats' only restriction).
fn tables() -> impl Strategy<Value = WordVectors> {
    tables_of("[^ \n\r]{1,8}")
}

fn bits(v: &WordVectors) -> Vec<u32> {
    v.data().iter().map(|x| x.to_bits()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn write_then_read_is_exact(table in tables(), text in any::<bool>()) {
        let (format, name) = if text { (Format::Text, "t.txt") } else { (Format::Binary, "b.bin") };
        let path = temp_file(name);
        write_vectors(&path, &table, format).unwrap();
        let (back, report) = read_vectors(&path, None, &ReadOptions::default()).unwrap();
        prop_assert_eq!(back.words(), table.words());
        prop_assert_eq!(bits(&back), bits(&table));
        prop_assert_eq!(report.records, table.len());
    }

    #[test]
    fn the_mean_of_one_token_is_its_vector(table in tables_of("[a-zäé_0-9ß]{1,6}"), pick in any::<prop::sample::Index>()) {
        let i = pick.index(table.len());
        let word = &table.words()[i];
        // Only a lowercase \w+ word that is not a stop word survives as itself.
        let usable = word.chars().all(cinegenre::text::is_python_word_char)
            && cinegenre::text::python_lower(word) == *word
            && !cinegenre::embed::is_stop_word(word);
        prop_assume!(usable);
        let m = mean_vectors(&[word.as_str()], &table);
        let want: Vec<u32> = table.row(i).iter().map(|x| (x + 0.0).to_bits()).collect();
        prop_assert_eq!(m.rows.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want);
    }
}
