"""The synthetic world's words: agencies, topics, names, titles, publishers, and Korean particles.

Data only (and ``josa``): the generator (``world.py``) draws from these lists.
"""

from __future__ import annotations

# (id, name_ko, name_en, short_ko, short_en, kind, parent). Parents come before children.
AGENCIES: list[tuple[str, str, str, str | None, str | None, str, str | None]] = [
    ("msit", "과학기술정보통신부", "Ministry of Science and ICT", "과기정통부", "MSIT", "ministry", None),
    ("mss", "중소벤처기업부", "Ministry of SMEs and Startups", "중기부", "MSS", "ministry", None),
    ("pipc", "개인정보보호위원회", "Personal Information Protection Commission", "개인정보위", "PIPC", "commission", None),
    ("motie", "산업통상자원부", "Ministry of Trade, Industry and Energy", "산업부", "MOTIE", "ministry", None),
    ("kcc", "방송통신위원회", "Korea Communications Commission", "방통위", "KCC", "commission", None),
    ("moe", "교육부", "Ministry of Education", "교육부", "MOE", "ministry", None),
    ("moel", "고용노동부", "Ministry of Employment and Labor", "고용부", "MOEL", "ministry", None),
    ("moef", "기획재정부", "Ministry of Economy and Finance", "기재부", "MOEF", "ministry", None),
    ("mois", "행정안전부", "Ministry of the Interior and Safety", "행안부", "MOIS", "ministry", None),
    ("fsc", "금융위원회", "Financial Services Commission", "금융위", "FSC", "commission", None),
    ("mohw", "보건복지부", "Ministry of Health and Welfare", "복지부", "MOHW", "ministry", None),
    ("mcst", "문화체육관광부", "Ministry of Culture, Sports and Tourism", "문체부", "MCST", "ministry", None),
    ("ftc", "공정거래위원회", "Korea Fair Trade Commission", "공정위", "KFTC", "commission", None),
    ("pmo", "국무조정실", "Office for Government Policy Coordination", "국조실", "OPC", "office", None),
    ("ai-committee", "국가인공지능위원회", "National Artificial Intelligence Committee", "AI위원회", "NAIC", "council", None),
    ("dpg-committee", "디지털플랫폼정부위원회", "Digital Platform Government Committee", "디플정위", "DPG", "council", None),
    ("molit", "국토교통부", "Ministry of Land, Infrastructure and Transport", "국토부", "MOLIT", "ministry", None),
    ("mofa", "외교부", "Ministry of Foreign Affairs", "외교부", "MOFA", "ministry", None),
    ("moj", "법무부", "Ministry of Justice", "법무부", "MOJ", "ministry", None),
    ("mnd", "국방부", "Ministry of National Defense", "국방부", "MND", "ministry", None),
    ("me", "환경부", "Ministry of Environment", "환경부", "ME", "ministry", None),
    ("mafra", "농림축산식품부", "Ministry of Agriculture, Food and Rural Affairs", "농식품부", "MAFRA", "ministry", None),
    ("mof", "해양수산부", "Ministry of Oceans and Fisheries", "해수부", "MOF", "ministry", None),
    ("mogef", "여성가족부", "Ministry of Gender Equality and Family", "여가부", "MOGEF", "ministry", None),
    ("acrc", "국민권익위원회", "Anti-Corruption and Civil Rights Commission", "권익위", "ACRC", "commission", None),
    ("nhrck", "국가인권위원회", "National Human Rights Commission of Korea", "인권위", "NHRCK", "commission", None),
    ("kcsc", "방송통신심의위원회", "Korea Communications Standards Commission", "방심위", "KCSC", "commission", None),
    ("mfds", "식품의약품안전처", "Ministry of Food and Drug Safety", "식약처", "MFDS", "agency", None),
    ("mpm", "인사혁신처", "Ministry of Personnel Management", "인사처", "MPM", "agency", None),
    ("nia", "한국지능정보사회진흥원", "National Information Society Agency", "NIA", "NIA", "agency", "msit"),
    ("kisa", "한국인터넷진흥원", "Korea Internet & Security Agency", "KISA", "KISA", "agency", "msit"),
    ("nipa", "정보통신산업진흥원", "National IT Industry Promotion Agency", "NIPA", "NIPA", "agency", "msit"),
    ("iitp", "정보통신기획평가원", "Institute of Information & Communications Technology Planning & Evaluation", "IITP", "IITP", "agency", "msit"),
    ("kdata", "한국데이터산업진흥원", "Korea Data Agency", "데이터진흥원", "K-DATA", "agency", "msit"),
    ("nrf", "한국연구재단", "National Research Foundation of Korea", "연구재단", "NRF", "agency", "msit"),
    ("kised", "창업진흥원", "Korea Institute of Startup and Entrepreneurship Development", "창진원", "KISED", "agency", "mss"),
    ("kosmes", "중소벤처기업진흥공단", "Korea SMEs and Startups Agency", "중진공", "KOSME", "agency", "mss"),
    ("kipo", "특허청", "Korean Intellectual Property Office", "특허청", "KIPO", "agency", "motie"),
    ("kats", "국가기술표준원", "Korean Agency for Technology and Standards", "국표원", "KATS", "agency", "motie"),
    ("kostat", "통계청", "Statistics Korea", "통계청", "KOSTAT", "agency", "moef"),
    ("fss", "금융감독원", "Financial Supervisory Service", "금감원", "FSS", "agency", "fsc"),
    ("kca", "한국소비자원", "Korea Consumer Agency", "소비자원", "KCA", "agency", "ftc"),
    ("keris", "한국교육학술정보원", "Korea Education and Research Information Service", "KERIS", "KERIS", "agency", "moe"),
    ("khidi", "한국보건산업진흥원", "Korea Health Industry Development Institute", "보건산업진흥원", "KHIDI", "agency", "mohw"),
    ("kocca", "한국콘텐츠진흥원", "Korea Creative Content Agency", "콘진원", "KOCCA", "agency", "mcst"),
    ("kcopyright", "한국저작권위원회", "Korea Copyright Commission", "저작권위", "KCC-C", "commission", "mcst"),
    ("seoul", "서울특별시", "Seoul Metropolitan Government", "서울시", "Seoul", "government", None),
    ("busan", "부산광역시", "Busan Metropolitan City", "부산시", "Busan", "government", None),
    ("gyeonggi", "경기도", "Gyeonggi Province", "경기도", "Gyeonggi", "government", None),
    ("gwangju", "광주광역시", "Gwangju Metropolitan City", "광주시", "Gwangju", "government", None),
]

TOPICS: list[tuple[str, str, str]] = [
    ("ai-talent", "AI 인재 양성", "AI talent"),
    ("ai-startups", "AI 스타트업 육성", "AI start-ups"),
    ("personal-data", "개인정보 보호", "personal data protection"),
    ("open-source-ai", "오픈소스 AI", "open-source AI"),
    ("compute", "컴퓨팅 인프라", "computing infrastructure"),
    ("ai-chips", "AI 반도체", "AI semiconductors"),
    ("genai-safety", "생성형 AI 안전성", "generative AI safety"),
    ("data-use", "데이터 활용", "the use of data"),
    ("ai-basic-act", "인공지능 기본법", "the AI Basic Act"),
    ("copyright", "AI 학습 데이터 저작권", "copyright in AI training data"),
    ("deepfakes", "딥페이크 대응", "deepfakes"),
    ("public-sector-ai", "공공 부문 AI 도입", "AI in the public sector"),
    ("healthcare-ai", "의료 AI", "AI in healthcare"),
    ("financial-ai", "금융 AI", "AI in finance"),
    ("manufacturing-ai", "제조 AI", "manufacturing AI"),
    ("ai-ethics", "AI 윤리", "AI ethics"),
    ("cloud", "클라우드 전환", "cloud adoption"),
    ("cybersecurity", "사이버 보안", "cybersecurity"),
    ("ai-education", "AI 교육", "AI education"),
    ("robotics", "지능형 로봇", "intelligent robots"),
    ("autonomous-driving", "자율주행", "autonomous driving"),
    ("digital-inclusion", "디지털 포용", "digital inclusion"),
    ("ai-regulation", "AI 규제 정비", "AI regulation"),
    ("global-cooperation", "AI 국제 협력", "international AI cooperation"),
]

SURNAMES = [("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"),
            ("강", "kang"), ("조", "cho"), ("윤", "yoon"), ("장", "jang"), ("임", "lim"),
            ("한", "han"), ("오", "oh"), ("서", "seo"), ("신", "shin"), ("권", "kwon"),
            ("황", "hwang"), ("안", "ahn"), ("송", "song"), ("류", "ryu"), ("고", "ko")]
GIVEN = [("영", "young"), ("민", "min"), ("수", "soo"), ("지", "ji"), ("현", "hyun"),
         ("준", "joon"), ("서", "seo"), ("호", "ho"), ("은", "eun"), ("진", "jin"),
         ("우", "woo"), ("혜", "hye"), ("성", "sung"), ("태", "tae"), ("경", "kyung"),
         ("주", "ju"), ("하", "ha"), ("연", "yeon"), ("재", "jae"), ("희", "hee")]

AGENCY_TITLES = [("장관", "Minister"), ("차관", "Vice Minister"), ("위원장", "Chairperson"),
                 ("국장", "Director-General"), ("과장", "Director"), ("실장", "Head of Office"),
                 ("대변인", "Spokesperson"), ("정책관", "Policy Director"), ("원장", "President"),
                 ("사무관", "Deputy Director")]
ORG_TITLES = [("대표", "CEO"), ("이사", "Director"), ("최고기술책임자", "CTO"),
              ("연구소장", "Head of Research"), ("교수", "Professor"), ("선임연구원", "Senior Researcher"),
              ("회장", "Chair"), ("최고운영책임자", "COO")]

ORG_PREFIX = [("한빛", "hanbit"), ("누리", "nuri"), ("다온", "daon"), ("보람", "boram"),
              ("새봄", "saebom"), ("루미", "lumi"), ("하람", "haram"), ("이음", "ieum"),
              ("가온", "gaon"), ("나래", "narae"), ("미르", "mir"), ("별하", "byeolha"),
              ("솔빛", "solbit"), ("아라", "ara"), ("온새", "onsae")]
ORG_MIDDLE = [("", ""), ("데이터", "data"), ("비전", "vision"), ("브레인", "brain"),
              ("로직", "logic"), ("웨이브", "wave"), ("큐브", "cube"), ("링크", "link"),
              ("마인드", "mind"), ("펄스", "pulse"), ("코어", "core"), ("스텝", "step"),
              ("노드", "node"), ("엣지", "edge"), ("하이브", "hive")]
# (suffix ko, suffix en, kind, description ko, description en)
ORG_SUFFIX = [
    ("AI", "AI", "company", "생성형 AI 스타트업", "generative AI start-up"),
    ("랩스", "Labs", "company", "AI 연구 스타트업", "AI research start-up"),
    ("테크", "Tech", "company", "AI 인프라 솔루션 기업", "AI infrastructure solutions company"),
    ("로보틱스", "Robotics", "company", "지능형 로봇 기업", "intelligent robotics company"),
    ("헬스케어", "Healthcare", "company", "의료 AI 기업", "medical AI company"),
    ("소프트", "Soft", "company", "AI 교육 솔루션 기업", "AI education solutions company"),
    ("인공지능연구소", "AI Research Institute", "institute", "민간 AI 연구소", "private AI research institute"),
    ("대학교", "University", "university", "AI 대학원을 둔 대학", "university with an AI graduate school"),
    ("협회", "Association", "association", "AI 산업 협회", "AI industry association"),
    ("시민연대", "Civic Alliance", "civil_society", "디지털 권리 시민단체", "digital rights group"),
]

PUBLISHERS = [("연합뉴스", "yonhap", "news_article", "ko"), ("전자신문", "etnews", "news_article", "ko"),
              ("ZDNet Korea", "zdnet-korea", "news_article", "ko"), ("정책브리핑", "korea-kr", "press_release", "ko"),
              ("보안뉴스", "boannews", "news_article", "ko"), ("디지털데일리", "ddaily", "news_article", "ko"),
              ("The Korea Herald", "korea-herald", "news_article", "en"),
              ("Korea JoongAng Daily", "joongang-daily", "news_article", "en"),
              ("The Korea Times", "korea-times", "news_article", "en"),
              ("국회입법조사처", "nars", "report", "ko")]

RELATIVE_WORDS = ["최근", "지난달", "올해 초", "상반기", "이달 초", "연말", "지난해"]
MEETING_KINDS = [("roundtable", "간담회", "roundtable"), ("review_meeting", "점검 회의", "review meeting"),
                 ("conference", "콘퍼런스", "conference"), ("hearing", "공청회", "public hearing"),
                 ("briefing", "설명회", "briefing"), ("consultation", "협의회", "consultation meeting")]
INITIATIVE_KINDS = [("plan", "추진 계획", "plan"), ("policy", "정책 방향", "policy direction"),
                    ("programme", "지원 사업", "support programme"), ("guideline", "안내서", "guide"),
                    ("strategy", "전략", "strategy"), ("regulation", "고시 개정안", "amended notice"),
                    ("fund", "펀드 조성 계획", "fund")]
STATUS_NEXT = {"planned": "in_preparation", "in_preparation": "published", "published": "completed"}


def final_consonant(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def josa(word: str, with_final: str, without_final: str) -> str:
    """``word`` with the particle that fits its last syllable (은/는, 이/가, 을/를, 과/와)."""
    return word + (with_final if final_consonant(word) else without_final)

