"""What the demo edition is made of: people and organisations, in both languages.

Everyone here is fictitious. The institutions are real places where such people work, named so
the demo reads like a real edition; nobody listed is, or claims to be, a member of the actual
committee. E-mail addresses use the reserved `.example` domain so no message can reach anyone.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  # nosec B105  # printed to the person running the demo

ORGANISER_EMAIL = "organiser@wnevc.example"
ORGANISER_NAME = "WNEVC Secretariat"


@dataclass(frozen=True)
class Institution:
    name_zh: str
    name_en: str
    domain: str
    country: str
    kind: str  # accounts.Organisation.Kind value


INSTITUTIONS = {
    "tsinghua": Institution(
        "清华大学", "Tsinghua University", "tsinghua.example", "China", "university"
    ),
    "bit": Institution(
        "北京理工大学", "Beijing Institute of Technology", "bit.example", "China", "university"
    ),
    "tongji": Institution("同济大学", "Tongji University", "tongji.example", "China", "university"),
    "jlu": Institution("吉林大学", "Jilin University", "jlu.example", "China", "university"),
    "sjtu": Institution(
        "上海交通大学", "Shanghai Jiao Tong University", "sjtu.example", "China", "university"
    ),
    "buaa": Institution(
        "北京航空航天大学", "Beihang University", "buaa.example", "China", "university"
    ),
    "hit": Institution(
        "哈尔滨工业大学", "Harbin Institute of Technology", "hit.example", "China", "university"
    ),
    "cqu": Institution("重庆大学", "Chongqing University", "cqu.example", "China", "university"),
    "catarc": Institution(
        "中国汽车技术研究中心有限公司",
        "China Automotive Technology and Research Center",
        "catarc.example",
        "China",
        "institute",
    ),
    "caeri": Institution(
        "中国汽车工程研究院股份有限公司",
        "China Automotive Engineering Research Institute",
        "caeri.example",
        "China",
        "institute",
    ),
    "dicp": Institution(
        "中国科学院大连化学物理研究所",
        "Dalian Institute of Chemical Physics, Chinese Academy of Sciences",
        "dicp.example",
        "China",
        "institute",
    ),
    "iop": Institution(
        "中国科学院物理研究所",
        "Institute of Physics, Chinese Academy of Sciences",
        "iop.example",
        "China",
        "institute",
    ),
    "csae": Institution(
        "中国汽车工程学会",
        "China Society of Automotive Engineers",
        "csae.example",
        "China",
        "other",
    ),
    "sgcc": Institution(
        "国家电网有限公司", "State Grid Corporation of China", "sgcc.example", "China", "enterprise"
    ),
    "catl": Institution(
        "宁德时代新能源科技股份有限公司",
        "Contemporary Amperex Technology Co., Limited",
        "catl.example",
        "China",
        "enterprise",
    ),
    "byd": Institution(
        "比亚迪股份有限公司", "BYD Company Limited", "byd.example", "China", "enterprise"
    ),
    "saic": Institution(
        "上海汽车集团股份有限公司",
        "SAIC Motor Corporation Limited",
        "saicmotor.example",
        "China",
        "enterprise",
    ),
    "faw": Institution(
        "中国第一汽车集团有限公司",
        "China FAW Group Co., Ltd.",
        "faw.example",
        "China",
        "enterprise",
    ),
    "gac": Institution(
        "广州汽车集团股份有限公司",
        "Guangzhou Automobile Group Co., Ltd.",
        "gac.example",
        "China",
        "enterprise",
    ),
    "nio": Institution("蔚来汽车", "NIO Inc.", "nio.example", "China", "enterprise"),
    "gotion": Institution(
        "国轩高科股份有限公司",
        "Gotion High-tech Co., Ltd.",
        "gotion.example",
        "China",
        "enterprise",
    ),
    "sinohytec": Institution(
        "北京亿华通科技股份有限公司",
        "Beijing SinoHytec Co., Ltd.",
        "sinohytec.example",
        "China",
        "enterprise",
    ),
    "huawei": Institution(
        "华为技术有限公司", "Huawei Technologies Co., Ltd.", "huawei.example", "China", "enterprise"
    ),
    "teld": Institution(
        "特来电新能源股份有限公司",
        "TELD New Energy Co., Ltd.",
        "teld.example",
        "China",
        "enterprise",
    ),
    "nevc": Institution(
        "国家新能源汽车技术创新中心",
        "National New Energy Vehicle Technology Innovation Center",
        "nevc.example",
        "China",
        "other",
    ),
    "bosch": Institution(
        "罗伯特·博世有限公司", "Robert Bosch GmbH", "bosch.example", "Germany", "enterprise"
    ),
    "toyota": Institution(
        "丰田汽车公司", "Toyota Motor Corporation", "toyota.example", "Japan", "enterprise"
    ),
    "bmw": Institution("宝马集团", "BMW Group", "bmw.example", "Germany", "enterprise"),
    "lges": Institution(
        "LG新能源", "LG Energy Solution, Ltd.", "lgensol.example", "South Korea", "enterprise"
    ),
    "rwth": Institution(
        "亚琛工业大学", "RWTH Aachen University", "rwth.example", "Germany", "university"
    ),
    "imperial": Institution(
        "帝国理工学院",
        "Imperial College London",
        "imperial.example",
        "United Kingdom",
        "university",
    ),
    "utokyo": Institution(
        "东京大学", "The University of Tokyo", "utokyo.example", "Japan", "university"
    ),
    "kth": Institution(
        "瑞典皇家理工学院",
        "KTH Royal Institute of Technology",
        "kth.example",
        "Sweden",
        "university",
    ),
    "umich": Institution(
        "密歇根大学", "University of Michigan", "umich.example", "United States", "university"
    ),
}

TITLES = {
    "professor": ("教授", "Professor"),
    "associate_professor": ("副教授", "Associate Professor"),
    "research_professor": ("研究员", "Research Professor"),
    "senior_engineer": ("正高级工程师", "Professor-level Senior Engineer"),
    "chief_scientist": ("首席科学家", "Chief Scientist"),
    "chief_engineer": ("总工程师", "Chief Engineer"),
    "technical_director": ("技术总监", "Technical Director"),
    "deputy_secretary_general": ("副秘书长", "Deputy Secretary-General"),
}


@dataclass(frozen=True)
class ExpertProfile:
    name_zh: str
    name_en: str
    login: str  # the part of the e-mail address before the institution's domain
    institution: str  # key of INSTITUTIONS
    title: str  # key of TITLES
    directions: tuple[str, ...]  # codes of submissions.defaults.DIRECTIONS
    language: str = "zh-hans"


# Chinese names are written family name first in English too, as the organisers publish them.
EXPERTS = (
    ExpertProfile("王建华", "Wang Jianhua", "wang.jianhua", "tsinghua", "professor",
                  ("vehicle-integration", "intelligence")),
    ExpertProfile("李明远", "Li Mingyuan", "li.mingyuan", "bit", "professor",
                  ("drive-system", "vehicle-integration")),
    ExpertProfile("张晓燕", "Zhang Xiaoyan", "zhang.xiaoyan", "iop", "research_professor",
                  ("power-battery", "lightweighting")),
    ExpertProfile("刘志强", "Liu Zhiqiang", "liu.zhiqiang", "catarc", "senior_engineer",
                  ("vehicle-integration", "other")),
    ExpertProfile("陈思远", "Chen Siyuan", "chen.siyuan", "tongji", "professor", ("fuel-cell",)),
    ExpertProfile("杨海涛", "Yang Haitao", "yang.haitao", "jlu", "professor",
                  ("vehicle-integration", "intelligence")),
    ExpertProfile("赵丽娟", "Zhao Lijuan", "zhao.lijuan", "dicp", "research_professor",
                  ("fuel-cell", "energy-supply")),
    ExpertProfile("黄国平", "Huang Guoping", "huang.guoping", "catl", "chief_scientist",
                  ("power-battery",)),
    ExpertProfile("周文斌", "Zhou Wenbin", "zhou.wenbin", "sjtu", "professor",
                  ("drive-system", "lightweighting")),
    ExpertProfile("吴雅琴", "Wu Yaqin", "wu.yaqin", "buaa", "professor",
                  ("power-battery", "energy-supply")),
    ExpertProfile("徐振宇", "Xu Zhenyu", "xu.zhenyu", "saic", "chief_engineer",
                  ("vehicle-integration", "intelligence", "drive-system")),
    ExpertProfile("孙立新", "Sun Lixin", "sun.lixin", "hit", "professor", ("drive-system",)),
    ExpertProfile("马晓峰", "Ma Xiaofeng", "ma.xiaofeng", "caeri", "senior_engineer",
                  ("lightweighting", "other")),
    ExpertProfile("朱红梅", "Zhu Hongmei", "zhu.hongmei", "sgcc", "senior_engineer",
                  ("energy-supply",)),
    ExpertProfile("胡永刚", "Hu Yonggang", "hu.yonggang", "faw", "technical_director",
                  ("vehicle-integration", "power-battery")),
    ExpertProfile("郭静怡", "Guo Jingyi", "guo.jingyi", "tsinghua", "associate_professor",
                  ("intelligence",)),
    ExpertProfile("何伟东", "He Weidong", "he.weidong", "byd", "chief_scientist",
                  ("power-battery", "drive-system")),
    ExpertProfile("林晓琳", "Lin Xiaolin", "lin.xiaolin", "cqu", "professor",
                  ("drive-system", "energy-supply")),
    ExpertProfile("罗天宇", "Luo Tianyu", "luo.tianyu", "csae", "deputy_secretary_general",
                  ("other", "vehicle-integration")),
    ExpertProfile("高文博", "Gao Wenbo", "gao.wenbo", "bit", "professor",
                  ("intelligence", "vehicle-integration")),
    ExpertProfile("梁静", "Liang Jing", "liang.jing", "tongji", "professor",
                  ("fuel-cell", "lightweighting")),
    ExpertProfile("宋建军", "Song Jianjun", "song.jianjun", "gac", "chief_engineer",
                  ("vehicle-integration", "fuel-cell")),
    ExpertProfile("郑雪莲", "Zheng Xuelian", "zheng.xuelian", "catarc", "research_professor",
                  ("power-battery", "other")),
    ExpertProfile("谢宏亮", "Xie Hongliang", "xie.hongliang", "jlu", "professor",
                  ("lightweighting",)),
    ExpertProfile("韩俊杰", "Han Junjie", "han.junjie", "buaa", "professor",
                  ("intelligence", "energy-supply")),
    ExpertProfile("唐美玲", "Tang Meiling", "tang.meiling", "dicp", "research_professor",
                  ("fuel-cell",)),
    ExpertProfile("马丁·凯勒", "Martin Keller", "m.keller", "rwth", "professor",
                  ("drive-system", "vehicle-integration"), "en"),
    ExpertProfile("萨拉·惠特菲尔德", "Sarah Whitfield", "s.whitfield", "imperial", "professor",
                  ("power-battery", "energy-supply"), "en"),
    ExpertProfile("森田健二", "Kenji Morita", "k.morita", "utokyo", "professor",
                  ("fuel-cell", "lightweighting"), "en"),
    ExpertProfile("拉尔斯·林德奎斯特", "Lars Lindqvist", "l.lindqvist", "kth", "professor",
                  ("intelligence", "other"), "en"),
    ExpertProfile("丹尼尔·布鲁克斯", "Daniel Brooks", "d.brooks", "umich", "professor",
                  ("intelligence", "vehicle-integration"), "en"),
)  # fmt: skip

# For a committee larger than the list above (--experts): names made from common parts.
EXTRA_FAMILY_NAMES = (
    ("钱", "Qian"), ("冯", "Feng"), ("曹", "Cao"), ("彭", "Peng"), ("董", "Dong"),
    ("袁", "Yuan"), ("邓", "Deng"), ("许", "Xu"), ("傅", "Fu"), ("沈", "Shen"),
)  # fmt: skip
EXTRA_GIVEN_NAMES = (
    ("志明", "Zhiming"), ("海燕", "Haiyan"), ("建国", "Jianguo"), ("丽华", "Lihua"),
    ("宏伟", "Hongwei"), ("春梅", "Chunmei"), ("德胜", "Desheng"), ("秀英", "Xiuying"),
    ("永强", "Yongqiang"), ("晓东", "Xiaodong"),
)  # fmt: skip


@dataclass(frozen=True)
class NominatorProfile:
    institution: str  # key of INSTITUTIONS
    contact_zh: str
    contact_en: str
    phone: str

    @property
    def email(self) -> str:
        return f"nominator@{INSTITUTIONS[self.institution].domain}"


# About twenty organisations that nominate technologies, each with one nominator account.
# Some share an institution with an expert, as in a real edition: those are conflicts later.
NOMINATORS = (
    NominatorProfile("catl", "陈晓敏", "Chen Xiaomin", "+86 593 000 0101"),
    NominatorProfile("byd", "刘佳琪", "Liu Jiaqi", "+86 755 000 0102"),
    NominatorProfile("saic", "王子豪", "Wang Zihao", "+86 21 0000 0103"),
    NominatorProfile("faw", "李思雨", "Li Siyu", "+86 431 000 0104"),
    NominatorProfile("gac", "张伟杰", "Zhang Weijie", "+86 20 0000 0105"),
    NominatorProfile("nio", "赵雨萱", "Zhao Yuxuan", "+86 21 0000 0106"),
    NominatorProfile("gotion", "孙浩然", "Sun Haoran", "+86 551 000 0107"),
    NominatorProfile("sinohytec", "周梓涵", "Zhou Zihan", "+86 10 0000 0108"),
    NominatorProfile("huawei", "吴俊熙", "Wu Junxi", "+86 755 000 0109"),
    NominatorProfile("teld", "郑欣怡", "Zheng Xinyi", "+86 532 000 0110"),
    NominatorProfile("sgcc", "冯博文", "Feng Bowen", "+86 10 0000 0111"),
    NominatorProfile("tsinghua", "许文静", "Xu Wenjing", "+86 10 0000 0112"),
    NominatorProfile("bit", "韩宇航", "Han Yuhang", "+86 10 0000 0113"),
    NominatorProfile("tongji", "曹雅婷", "Cao Yating", "+86 21 0000 0114"),
    NominatorProfile("dicp", "彭志远", "Peng Zhiyuan", "+86 411 000 0115"),
    NominatorProfile("iop", "董思琪", "Dong Siqi", "+86 10 0000 0116"),
    NominatorProfile("nevc", "袁嘉诚", "Yuan Jiacheng", "+86 10 0000 0117"),
    NominatorProfile("bosch", "安娜·施密特", "Anna Schmidt", "+49 711 000 0118"),
    NominatorProfile("toyota", "中村由美", "Yumi Nakamura", "+81 565 000 0119"),
    NominatorProfile("bmw", "托马斯·韦伯", "Thomas Weber", "+49 89 0000 0120"),
    NominatorProfile("lges", "金智秀", "Kim Ji-soo", "+82 2 0000 0121"),
)
