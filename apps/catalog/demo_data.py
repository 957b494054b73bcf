"""Synthetic demo rows: names, Chinese ID numbers (valid check digit), mobiles, addresses.

Everything is generated from small word lists with a seeded RNG; nothing is copied from
real records.
"""

import random
from datetime import date, datetime, timedelta

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕"
CITIES = ["南宁市", "柳州市", "桂林市", "梧州市", "北海市", "玉林市"]
DISTRICTS = ["青秀区", "兴宁区", "西乡塘区", "城中区", "象山区", "万秀区", "海城区", "玉州区"]
ROADS = ["民族大道", "友爱路", "东葛路", "中山路", "解放路", "桂春路", "滨江路", "人民路"]
INDUSTRY = ["科技", "贸易", "建设", "物流", "食品", "医药", "文化传媒", "新能源"]
COMPANY_TAIL = ["有限公司", "有限责任公司", "股份有限公司"]
REGION_CODES = ["450102", "450103", "450107", "450202", "450302", "450403", "450502", "450902"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def id_number(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
    body = f"{rng.choice(REGION_CODES)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    check = ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def credit_code(rng: random.Random) -> str:
    """A unified social credit code with a valid GB 32100-2015 check character."""
    body = "91" + rng.choice(REGION_CODES) + "".join(rng.choice(CREDIT_CHARS) for _ in range(9))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS, strict=True))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "150", "186", "177", "199"]) + f"{rng.randint(0, 99_999_999):08d}"
    )


def address(rng: random.Random) -> str:
    return f"广西壮族自治区{rng.choice(CITIES)}{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 399)}号"


def company(rng: random.Random) -> str:
    return f"{rng.choice(CITIES)[:-1]}{rng.choice('宏华盛泰安瑞鑫达')}{rng.choice('信源通恒丰远')}{rng.choice(INDUSTRY)}{rng.choice(COMPANY_TAIL)}"


def enterprise_rows(n: int, seed: int = 1):
    rng = random.Random(seed)
    for _ in range(n):
        yield {
            "credit_code": credit_code(rng),
            "company_name": company(rng),
            "legal_rep": person_name(rng),
            "legal_rep_id": id_number(rng),
            "reg_capital": f"{rng.randint(10, 50000)}.{rng.randint(0, 99):02d}",
            "established": (date(1995, 1, 1) + timedelta(days=rng.randint(0, 10000))).isoformat(),
            "address": address(rng),
            "phone": mobile(rng),
        }


def traffic_rows(n: int, seed: int = 2):
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    for i in range(n):
        yield {
            "station_id": f"S{rng.randint(1, 120):04d}",
            "road_name": rng.choice(ROADS),
            "observed_at": (start + timedelta(minutes=5 * i)).isoformat(sep=" "),
            "vehicle_count": rng.randint(0, 900),
            "avg_speed": f"{rng.uniform(8, 95):.1f}",
        }


def air_rows(n: int, seed: int = 3):
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    for i in range(n):
        yield {
            "station_name": f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}监测站",
            "day": (start + timedelta(days=i % 600)).isoformat(),
            "aqi": rng.randint(12, 260),
            "pm25": f"{rng.uniform(3, 180):.1f}",
            "pm10": f"{rng.uniform(8, 260):.1f}",
        }


def hospital_rows(n: int, seed: int = 4):
    rng = random.Random(seed)
    for i in range(n):
        yield {
            "institution_code": f"PDY{450000 + i:06d}",
            "institution_name": f"{rng.choice(CITIES)}{rng.choice(['第一', '第二', '中医', '妇幼保健', '人民'])}医院{i}",
            "level": rng.choice(["三级甲等", "三级乙等", "二级甲等", "一级"]),
            "address": address(rng),
            "beds": rng.randint(20, 3000),
            "director": person_name(rng),
            "phone": mobile(rng),
        }
