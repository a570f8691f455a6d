#!/usr/bin/env python3
"""Write the benchmark games ``pi_1000.efg`` and ``infosets_100.efg`` next to this script.

Usage: ``python3 benches/games/generate.py`` (pure Python 3, no dependencies).

Deterministic: a fixed seed drives a SplitMix64 generator implemented here, so the
files do not depend on the Python version; rerunning reproduces them byte for byte.

* ``pi_1000.efg`` — a two-player perfect-information game with exactly 1,000
  nodes: a random tree (every decision node has 2 or 3 children), about one
  internal node in ten a chance node with random rational probabilities, the
  players otherwise moving alternately by depth, integer payoffs drawn
  uniformly from 0..99 at each terminal.
* ``infosets_100.efg`` — generalised Kuhn poker with 25 cards: 100 information
  sets, perfect recall, chance deals one card to each player (uniformly, without
  replacement).  Ante 1 each; player 1 checks or bets 1; after a check player 2
  checks (showdown for 1) or bets 1, and player 1 then folds or calls (showdown
  for 2); after a bet player 2 folds or calls (showdown for 2).  Each player has
  two information sets per card: 2 x 2 x 25 = 100.

In both files each player's information sets are numbered in order of first
appearance in a depth-first preorder walk, so the profile layout by infoset
number coincides with Gambit's own order.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
MASK = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea & Flood (2014) SplitMix64; small, fast and fully specified."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """Uniform integer in 0..n-1 (rejection sampling, no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n


class Node:
    """A game-tree node: kind 'p' (player), 'c' (chance) or 't' (terminal)."""

    def __init__(self, kind: str, player: int = 0, key=None, actions=(), probs=(),
                 payoffs=None, outcome_label: str = "") -> None:
        self.kind = kind
        self.player = player
        self.key = key  # information-set identity (hashable)
        self.actions = list(actions)
        self.probs = list(probs)
        self.payoffs = payoffs
        self.outcome_label = outcome_label
        self.children: list[Node] = []


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_efg(path: Path, title: str, comment: str, root: Node) -> int:
    """Write `root` as a Gambit .efg file; returns the number of nodes."""
    infoset_numbers: dict = {}
    counters = {0: 0, 1: 0, 2: 0}
    outcome_numbers: dict = {}
    lines = []

    def visit(node: Node) -> None:
        if node.kind == "t":
            payoffs = tuple(node.payoffs)
            fresh = payoffs not in outcome_numbers
            if fresh:
                outcome_numbers[payoffs] = len(outcome_numbers) + 1
            number = outcome_numbers[payoffs]
            body = ", ".join(str(x) for x in payoffs)
            label = node.outcome_label if node.outcome_label else f"o{number}"
            lines.append(f't "" {number} {quote(label)} {{ {body} }}')
            return
        owner = 0 if node.kind == "c" else node.player
        if (owner, node.key) not in infoset_numbers:
            counters[owner] += 1
            infoset_numbers[(owner, node.key)] = counters[owner]
        number = infoset_numbers[(owner, node.key)]
        if node.kind == "c":
            acts = " ".join(f"{quote(a)} {p}" for a, p in zip(node.actions, node.probs))
            lines.append(f'c "" {number} "" {{ {acts} }} 0')
        else:
            acts = " ".join(quote(a) for a in node.actions)
            lines.append(f'p "" {node.player} {number} "" {{ {acts} }} 0')
        for child in node.children:
            visit(child)

    visit(root)
    header = f'EFG 2 R {quote(title)} {{ "Player 1" "Player 2" }}\n{quote(comment)}\n\n'
    path.write_text(header + "\n".join(lines) + "\n")
    return len(lines)


def random_probs(rng: SplitMix64, k: int) -> list[Fraction]:
    """k positive rational probabilities summing to exactly 1."""
    weights = [1 + rng.below(9) for _ in range(k)]
    total = sum(weights)
    return [Fraction(w, total) for w in weights]


def pi_game(target_nodes: int, seed: int) -> Node:
    """A random perfect-information tree with exactly `target_nodes` nodes."""
    rng = SplitMix64(seed)
    root = Node("t")
    root.depth = 0
    frontier = [root]
    count = 1
    serial = 0
    while True:
        room = target_nodes - count
        if room < 2:
            break
        # Expand a random frontier leaf into 2 or 3 children, never overshooting.
        branching = 2 if room < 3 else 2 + rng.below(2)
        if target_nodes - count - branching == 1:
            branching = 3 if branching == 2 else 2
        leaf = frontier.pop(rng.below(len(frontier)))
        serial += 1
        if leaf.depth > 0 and rng.below(10) == 0:
            leaf.kind = "c"
            leaf.probs = random_probs(rng, branching)
            leaf.actions = [f"n{j + 1}" for j in range(branching)]
        else:
            leaf.kind = "p"
            leaf.player = 1 + leaf.depth % 2
            leaf.actions = [chr(ord("a") + j) for j in range(branching)]
        leaf.key = serial
        for _ in range(branching):
            child = Node("t")
            child.depth = leaf.depth + 1
            leaf.children.append(child)
            frontier.append(child)
        count += branching
    for node in frontier:
        node.payoffs = (rng.below(100), rng.below(100))
    return root


def kuhn_game(cards: int) -> Node:
    """Generalised Kuhn poker with `cards` cards (higher card wins the showdown)."""

    def showdown(c1: int, c2: int, stake: int) -> Node:
        win = stake if c1 > c2 else -stake
        return Node("t", payoffs=(win, -win))

    def fold(winner: int, stake: int) -> Node:
        win = stake if winner == 1 else -stake
        return Node("t", payoffs=(win, -win))

    root = Node("c", key="deal1", actions=[f"P1 gets {c}" for c in range(1, cards + 1)],
                probs=[Fraction(1, cards)] * cards)
    for c1 in range(1, cards + 1):
        others = [c for c in range(1, cards + 1) if c != c1]
        deal2 = Node("c", key=("deal2", c1), actions=[f"P2 gets {c}" for c in others],
                     probs=[Fraction(1, cards - 1)] * (cards - 1))
        root.children.append(deal2)
        for c2 in others:
            open_ = Node("p", 1, (c1, "open"), ["check", "bet"])
            after_check = Node("p", 2, (c2, "after check"), ["check", "bet"])
            check_bet = Node("p", 1, (c1, "after check-bet"), ["fold", "call"])
            check_bet.children = [fold(2, 1), showdown(c1, c2, 2)]
            after_check.children = [showdown(c1, c2, 1), check_bet]
            after_bet = Node("p", 2, (c2, "after bet"), ["fold", "call"])
            after_bet.children = [fold(1, 1), showdown(c1, c2, 2)]
            open_.children = [after_check, after_bet]
            deal2.children.append(open_)
    return root


def main() -> None:
    n = write_efg(
        HERE / "pi_1000.efg",
        "Random perfect-information game, 1000 nodes (seed 20250126)",
        "Benchmark game written by benches/games/generate.py: random tree, branching 2-3, "
        "alternating players by depth, some chance nodes, integer payoffs 0..99.",
        pi_game(1000, seed=20250126),
    )
    print(f"pi_1000.efg: {n} nodes")
    n = write_efg(
        HERE / "infosets_100.efg",
        "Generalised Kuhn poker, 25 cards (100 information sets)",
        "Benchmark game written by benches/games/generate.py: ante 1, bet 1, one betting "
        "round; each player has two information sets per card.",
        kuhn_game(25),
    )
    print(f"infosets_100.efg: {n} nodes")


if __name__ == "__main__":
    main()
