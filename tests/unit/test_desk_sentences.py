"""The desk's sentence splitter: the seed article split as a reader splits it, the hard cases
of Korean news prose, and the rules every split keeps (Hypothesis): pure, no database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from events.seed import ARTICLE_TEXT
from service.desk.sentences import Sentence, split

# The article's sentences as a reader finds them: each line is a paragraph or a headline, and
# each sentence of a paragraph ends with "다." (the two quotations of the ministers end in
# "다\"라며" and "다\"라고 말했다.", inside their sentences). 24 in all.
SEED_SENTENCES = [
    '정부가 AI 시대 경쟁력 강화를 위해 국내 AI 스타트업 생태계 혁신을 위한 다양한 정책을 추진하고 있다.',
    'AI 분야에서 경쟁력 있는 인재를 양성하고, 관련 스타트업이 글로벌 시장에서 더 큰 영향을 미칠 수 있도록 오픈 소스 기반 AI 모델의 발전을 적극 지원한다는 계획이다.',
    '특히 중소벤처기업부(이하 중기부)와 개인정보보호위원회(이하 개인정보위)는 AI 생태계 구축과 스타트업 성장 촉진을 목표로 구체적인 지원 방안을 모색하고 있다.',
    '중기부, AI 스타트업 인재 양성 방안 논의',
    '전 세계적으로 AI 핵심 인재 확보가 AI 생태계의 중요한 요소로 자리 잡으면서 글로벌 기업 간의 AI 인재 확보 경쟁이 치열해지고 있다.',
    '글로벌 주요 기업들은 AI 역량 제고를 위한 교육 프로그램을 활발히 운영하고 있으며, 국내 정부도도 AI 인재 양성에 적극적인 행보를 보이고 있다.',
    "특히 중기부는 지난달 'AI 스타트업 육성을 통한 AI 활용·확산 방안'을 마련한 데 이어 최근 '인력정책 방향 점검 회의'를 개최하고 AI 스타트업 및 제조 AI 기업에 우수 인재 양성·공급을 위한 구체적인 정책 방향을 논의했다.",
    '회의는 오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이 참석한 가운데 진행됐으며, AI 인재 양성을 위한 대학과 스타트업 간 산학협력 강화, 재직자 교육 프로그램, 우수인재 채용 및 근속 유도를 위한 정부 지원 방안 등 다양한 정책이 제시됐다.',
    '또한 이 자리에서 유영준 뤼튼테크놀로지스 이사는 해외 AI 인재 유치를 위한 비자 정책과 정착 지원 강화와 인재 유입 촉진을 위한 AI 스타트업의 연구개발(R&D) 지원 확대를, 서지호 클레온 최고운영책임자는 대기업과 스타트업 간 인재 교류 활성화, 스톡옵션 지원 확대를 통한 스타트업의 보상 체계 개선의 필요성을 강조했다.',
    '이번 회의를 바탕으로 중기부는 향후 국내 AI 스타트업 생태계의 경쟁력 강화를 위한 구체적인 방안을 마련한다는 계획이다.',
    '오영주 중기부 장관은 "AI 국가대표 스타트업 육성 및 AI 기술과 시장 선점을 위해서는 우수한 AI 인재 확보가 선행돼야 한다"라며 "우수한 인재가 스타트업, 제조 AI 기업과 함께 성장하고 거대신생기업(유니콘)이 탄생할 수 있도록 정부의 지원을 아끼지 않겠다"라고 말했다.',
    '개인정보위, 오픈소스 AI 활성화 지원',
    '딥시크(Deepseek)의 등장으로 오픈소스 AI에 대한 관심이 세계적으로 높아지고 있다.',
    '오픈소스는 프로그램 개발에 필요한 소스코드나 설계도를 누구나 접근할 수 있도록 공개하는 것을 말하며, 이를 활용하면 비용 부담을 줄이면서 고성능 AI 모델에 대한 접근성을 높여 과학 기술 발전과 응용 서비스 창출을 기대할 수 있다.',
    '오픈소스는 국내 AI 스타트업의 경쟁력 강화를 위한 핵심 기술로도 부각되고 있다.',
    '한국은 보건의료와 금융 분야에서 양질의 데이터와 우수한 AI 인력을 보유하고 있지만, 대규모 AI 인프라는 부족하기 때문이다.',
    "이러한 상황을 고려해 24일 개인정보위는 'AI 스타트업 간담회'를 열고 오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다.",
    '간담회에는 국내 AI 스타트업들이 참여해 오픈소스 모델을 활용한 주요 성과와 사례를 공유했다.',
    "일상대화 AI 스타트업 '스캐터랩'은 현재 연구 중인 오픈소스 관련 기술과 구글 젬마와 딥시크 등 글로벌 오픈소스 모델이 국내 AI 생태계에 미치는 파급력에 대해 발표했으며, AI 인프라 솔루션 기업 '모레'는 한국어 답변 성능 강화에 초점을 맞춘 언어모델을 소개하며 서비스 개발·운영 경험을 토대로 오픈소스 모델의 장점과 이에 따른 프라이버시 위협에 대해 언급했다.",
    "이어 AI 교육 솔루션 기업 '엘리스그룹'은 클라우드 서비스 보안인증을 획득한 자사 제품을 소개하면서 AI 클라우드 인프라 제공 과정에서 오픈소스 모델 활용 사례를 소개했다.",
    '발표 이후 진행된 자유 토론에서는 생성형 AI 개발·도입 과정에서 겪은 다양한 데이터 및 개인정보 관련 애로·건의사항을 제시하는 시간을 가졌다.',
    '이 자리에서 다수의 기업들은 자사 또는 고객사의 이용자 데이터를 AI 개발에 활용하는 과정에서 발생하는 법적 불확실성 문제를 지적하고, 적법한 이용자 데이터 활용을 위한 △법적 기준 안내 △익명·가명 데이터 처리 방법론 △비식별 데이터의 재식별 평가 기준 마련 등의 지원 방안을 제안했다.',
    '고학수 개인정보위 위원장은 "우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는 오픈소스 이점을 최대한 활용할 필요가 있다"라며 "국내 기관과 기업이 오픈소스 AI를 도입·활용하는 과정에서 AI 데이터 처리와 관련된 리스크 요인이 최소화될 수 있도록 중소·스타트업 업계와 긴밀히 협력해 나가겠다"라고 말했다.',
    "한편, 개인정보위는 간담회 논의 결과를 바탕으로 국내 오픈소스 AI 확산 추세에 발맞춰 중소기업 및 스타트업에 실질적인 도움이 될 수 있는 개인정보 관점의 '생성형 AI 도입 및 활용 안내서'를 마련할 계획이다.",
]


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in split(text)]


def test_the_seed_article_splits_into_its_24_sentences_at_their_offsets():
    sentences = split(ARTICLE_TEXT)
    assert [s.text for s in sentences] == SEED_SENTENCES
    assert [s.n for s in sentences] == list(range(1, 25))
    for sentence in sentences:
        assert ARTICLE_TEXT[sentence.start:sentence.end] == sentence.text
    # The text opens with a line break, which belongs to no sentence; end is exclusive.
    assert sentences[0].start == 1 and sentences[-1].end == len(ARTICLE_TEXT)


def test_a_quotation_that_ends_in_da_and_a_full_stop_stays_in_its_sentence():
    assert texts('그는 "우리는 할 수 있다."라고 말했다. 다음 문장이다.') == [
        '그는 "우리는 할 수 있다."라고 말했다.',
        "다음 문장이다.",
    ]
    assert texts('장관은 "지원하겠다. 노력하겠다"라며 "함께 하겠다"라고 말했다.') == [
        '장관은 "지원하겠다. 노력하겠다"라며 "함께 하겠다"라고 말했다.'
    ]
    assert texts("장관은 “지원하겠다. 노력하겠다”라고 말했다. 끝.") == [
        "장관은 “지원하겠다. 노력하겠다”라고 말했다.",
        "끝.",
    ]


def test_a_quotation_that_ends_a_sentence_ends_it():
    assert texts('"우리는 할 수 있다." 장관은 이렇게 말했다.') == [
        '"우리는 할 수 있다."',
        "장관은 이렇게 말했다.",
    ]
    assert texts('그는 "하겠다". 끝.') == ['그는 "하겠다".', "끝."]


def test_a_quotation_left_open_on_its_line_holds_no_sentence_open():
    # A quotation over several paragraphs opens on each and closes on the last.
    assert texts('"첫 문단의 인용은 닫히지 않는다. 그 다음 문장이다.\n"마지막 문단이다."') == [
        '"첫 문단의 인용은 닫히지 않는다.',
        "그 다음 문장이다.",
        '"마지막 문단이다."',
    ]


def test_an_abbreviation_in_parentheses_and_a_decimal_are_inside_their_sentence():
    assert texts("특히 중소벤처기업부(이하 중기부)는 예산을 1.5배 늘렸다. 중기부는 3.14%라고 밝혔다.") == [
        "특히 중소벤처기업부(이하 중기부)는 예산을 1.5배 늘렸다.",
        "중기부는 3.14%라고 밝혔다.",
    ]
    assert texts("회의를 열었다(사진 참조.) 이어 논의했다.") == [
        "회의를 열었다(사진 참조.)",
        "이어 논의했다.",
    ]


def test_an_inline_list_of_triangles_is_part_of_its_sentence_and_a_listed_line_its_own():
    inline = (
        "적법한 이용자 데이터 활용을 위한 △법적 기준 안내 △익명·가명 데이터 처리 방법론 "
        "△비식별 데이터의 재식별 평가 기준 마련 등의 지원 방안을 제안했다. 다음 문장이다."
    )
    assert texts(inline) == [inline.removesuffix(" 다음 문장이다."), "다음 문장이다."]
    assert texts("지원 방안은 다음과 같다.\n△ 법적 기준 안내\n△ 익명·가명 데이터 처리 방법론") == [
        "지원 방안은 다음과 같다.",
        "△ 법적 기준 안내",
        "△ 익명·가명 데이터 처리 방법론",
    ]


def test_every_line_break_ends_a_sentence_and_blank_lines_are_none():
    assert texts("\n중기부, AI 스타트업 인재 양성 방안 논의\n\n전 세계적으로 경쟁이 치열하다.\r\n끝") == [
        "중기부, AI 스타트업 인재 양성 방안 논의",
        "전 세계적으로 경쟁이 치열하다.",
        "끝",
    ]
    assert split("") == [] and split(" \n\t\u3000 ") == []


def test_full_stops_of_numbers_dates_lists_and_latin_abbreviations_end_nothing():
    assert texts("1. 첫째 항목이다\n2. 둘째 항목이다") == ["1. 첫째 항목이다", "2. 둘째 항목이다"]
    assert texts("발표는 2025. 3. 24. 있었다. (2025. 3. 24.) 끝.") == [
        "발표는 2025. 3. 24. 있었다.",
        "(2025. 3. 24.) 끝.",
    ]
    assert texts("U.S. 정부와 Dr. Kim, J. Lee가 만났다. 챗GPT. 끝") == [
        "U.S. 정부와 Dr. Kim, J. Lee가 만났다.",
        "챗GPT.",
        "끝",
    ]
    assert texts("정말인가? 그렇다! 그러나… 아니다.") == ["정말인가?", "그렇다!", "그러나…", "아니다."]


def test_an_apostrophe_between_latin_letters_opens_no_quotation():
    assert texts("Korea's plan is ready. Its 'AI' law is next. 'AI 기본법'을 봤다.") == [
        "Korea's plan is ready.",
        "Its 'AI' law is next.",
        "'AI 기본법'을 봤다.",
    ]


def test_offsets_are_code_points_and_the_end_is_exclusive():
    text = "가. 🙂 나다.  라"
    assert split(text) == [
        Sentence(1, 0, 2, "가."),
        Sentence(2, 3, 8, "🙂 나다."),
        Sentence(3, 10, 11, "라"),
    ]


KOREAN_NEWS = st.sampled_from(
    list("가다라고며 .?!…。\"'“”‘’()（）[]「」△▲·1.5\n\r\t\u3000\u2028\x85AUDrs")
    + ["했다.", '다."라고', "(이하 중기부)", "1.5", "2025. 3. 24.", "U.S.", "\r\n", "Korea's"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(KOREAN_NEWS, max_size=60).map("".join), st.text(max_size=200)))
def test_sentences_cover_every_non_space_character_once_in_order(text):
    sentences = split(text)
    assert [s.n for s in sentences] == list(range(1, len(sentences) + 1))
    owner = [0] * len(text)
    previous_end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start:sentence.end]
        assert sentence.text and sentence.text == sentence.text.strip()
        assert len(sentence.text.splitlines()) == 1  # no line break inside a sentence
        assert previous_end <= sentence.start < sentence.end
        previous_end = sentence.end
        for i in range(sentence.start, sentence.end):
            owner[i] += 1
    for char, count in zip(text, owner, strict=True):
        assert count == 1 if not char.isspace() else count <= 1
