//! The longest common subsequence of two sequences, by Myers' O(ND)
//! algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986),
//! bounded by a number of edits and a work budget.
//!
//! Written here rather than taken from `similar`: `similar` bounds its
//! search only by a wall-clock deadline, which would make the diff (and so
//! the stored event and its hash) depend on how fast the host machine is.
//! These bounds are counts, so the same inputs give the same answer on
//! every host.

/// The matched index pairs `(i, j)` (increasing in both) of a longest
/// common subsequence of `0..n` and `0..m` under `same`, or `None` when it
/// takes more than `max_edits` insertions and deletions or more than
/// `budget` units of work (each unit a comparison or a diagonal step).
pub fn lcs(
    n: usize,
    m: usize,
    mut same: impl FnMut(usize, usize) -> bool,
    max_edits: usize,
    budget: &mut u64,
) -> Option<Vec<(usize, usize)>> {
    let max = max_edits.min(n + m);
    // v[k + offset] = the furthest x reached on diagonal k (k = x - y).
    let offset = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    // The V of each round, k from -d to d, to walk the path back.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let (n_i, m_i) = (n as isize, m as isize);
    for d in 0..=max as isize {
        for k in (-d..=d).step_by(2) {
            let down =
                k == -d || (k != d && v[(k - 1 + offset) as usize] < v[(k + 1 + offset) as usize]);
            let mut x = if down {
                v[(k + 1 + offset) as usize]
            } else {
                v[(k - 1 + offset) as usize] + 1
            };
            let mut y = x - k;
            while x < n_i && y < m_i && same(x as usize, y as usize) {
                x += 1;
                y += 1;
                *budget = budget.checked_sub(1)?;
            }
            v[(k + offset) as usize] = x;
            if x >= n_i && y >= m_i {
                trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
                return Some(backtrack(&trace, n_i, m_i));
            }
        }
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        *budget = budget.checked_sub(2 * d as u64 + 1)?;
    }
    None
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<(usize, usize)> {
    let at = |d: isize, k: isize| trace[d as usize][(k + d) as usize];
    let (mut x, mut y) = (n, m);
    let mut pairs = Vec::new();
    for d in (1..trace.len() as isize).rev() {
        let k = x - y;
        let prev = d - 1;
        let down = k == -d || (k != d && at(prev, k - 1) < at(prev, k + 1));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = at(prev, prev_k);
        let prev_y = prev_x - prev_k;
        // The edit leads to (mid_x, mid_y); the snake from there to (x, y).
        let (mid_x, mid_y) = if down {
            (prev_x, prev_y + 1)
        } else {
            (prev_x + 1, prev_y)
        };
        while x > mid_x && y > mid_y {
            x -= 1;
            y -= 1;
            pairs.push((x as usize, y as usize));
        }
        x = prev_x;
        y = prev_y;
    }
    while x > 0 && y > 0 {
        x -= 1;
        y -= 1;
        pairs.push((x as usize, y as usize));
    }
    pairs.reverse();
    pairs
}

#[cfg(test)]
mod tests {
    use super::lcs;

    fn run(a: &str, b: &str, max: usize) -> Option<String> {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut budget = 1_000_000;
        let pairs = lcs(a.len(), b.len(), |i, j| a[i] == b[j], max, &mut budget)?;
        for w in pairs.windows(2) {
            assert!(w[0].0 < w[1].0 && w[0].1 < w[1].1);
        }
        assert!(pairs.iter().all(|&(i, j)| a[i] == b[j]));
        Some(pairs.iter().map(|&(i, _)| a[i]).collect())
    }

    #[test]
    fn finds_a_longest_common_subsequence() {
        // Myers' paper: ABCABBA / CBABAC has an LCS of length 4.
        assert_eq!(run("ABCABBA", "CBABAC", 100).unwrap().len(), 4);
        assert_eq!(run("", "abc", 10).unwrap(), "");
        assert_eq!(run("abc", "abc", 0).unwrap(), "abc");
        assert_eq!(run("xabc", "abcx", 10).unwrap(), "abc");
    }

    #[test]
    fn stops_at_its_bounds() {
        assert_eq!(run("abcdef", "uvwxyz", 11), None);
        assert!(run("abcdef", "uvwxyz", 12).is_some());
        let mut budget = 10;
        let a = vec![0; 100];
        let b = vec![1; 100];
        assert_eq!(lcs(100, 100, |i, j| a[i] == b[j], 1000, &mut budget), None);
    }
}
