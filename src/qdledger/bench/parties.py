"""Invented parties that look like Qingdao's: district, a valid 统一社会信用代码, a plausible name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from qdledger.credit_code import ALPHABET, check_character

DISTRICTS = (("370202", "市南区"), ("370203", "市北区"), ("370211", "黄岛区"), ("370212", "崂山区"),
             ("370213", "李沧区"), ("370214", "城阳区"), ("370215", "即墨区"), ("370281", "胶州市"),
             ("370283", "平度市"), ("370285", "莱西市"))
WORDS = ("海研", "蓝谷", "鲲鹏", "星海", "琴岛", "崂峰", "海创", "智远", "青科", "博远", "海纳", "金沙",
         "启明", "浪潮", "东方", "云帆", "汇智", "康润", "瀚海", "明德")
TRADES = ("智能装备", "新材料", "生物医药", "海洋科技", "电子信息", "节能环保", "数字科技", "精密仪器",
          "新能源", "工业互联网")

FIRST_TAIL = 1200
"""Events budgeted for the first long-tail party, id handles included: about 1,000 in its own history."""


@dataclass
class Party:
    """One party to generate: who it is, and how many events its history should hold."""

    key: str
    name: str
    credit_code: str
    district: str
    registered_on: date
    budget: int
    long_tail: bool = False
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        """A fresh id for something this party owns, e.g. ``G-E00042-007``."""
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}-{self.key}-{n:03d}"


def owner_key(item_id: str) -> str:
    """The key of the party an id made by ``Party.next_id`` belongs to: ``G-E00042-007`` → ``E00042``."""
    return item_id.rsplit("-", 2)[-2]


def credit_code(index: int, division: str) -> str:
    """A valid, unique code: 9 (工商) 1 (企业), the district's division code, "MA" + 7 characters, check."""
    body = ""
    for _ in range(7):
        index, digit = divmod(index, len(ALPHABET))
        body = ALPHABET[digit] + body
    first17 = f"91{division}MA{body}"
    return first17 + check_character(first17)


def make_party(index: int, rng: Random, budget: int, long_tail: bool = False) -> Party:
    division, district = DISTRICTS[rng.randrange(len(DISTRICTS))]
    name = f"青岛{rng.choice(WORDS)}{rng.choice(TRADES)}{'科技' if rng.random() < 0.7 else ''}有限公司"
    registered = date(2024, 6, 1) + timedelta(days=rng.randrange(100))
    return Party(key=f"E{index:05d}", name=name, credit_code=credit_code(index, division), district=district,
                 registered_on=registered, budget=budget, long_tail=long_tail)


def event_budgets(rng: Random, parties: int, events: int, per_party: int, long_tail: int) -> list[int]:
    """Events to generate for each party beyond its registration: a heavy-tailed spread, plus a
    few parties with 1,000+ events (the first with about 1,000, for the history benchmark)."""
    remaining = max(0, events - parties * per_party)
    tail = [FIRST_TAIL] + [rng.randrange(1200, 3000) for _ in range(long_tail - 1)] if long_tail else []
    tail = [min(t, remaining // max(1, long_tail)) for t in tail]
    rest = max(0, remaining - sum(tail))
    weights = [min(rng.paretovariate(1.6), 40.0) for _ in range(parties - len(tail))]
    total = sum(weights) or 1.0
    budgets = [int(rest * w / total) for w in weights]
    return tail + budgets
