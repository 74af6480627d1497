"""Writes article.ko.jsonl from the facts below: `python -m events.seed.build [--check]`.

Every fact quotes the article exactly; dates are as precise as the article (resolved against its
publication in March 2025, see shared/seed/README.md) and no more.
"""

from __future__ import annotations

import dataclasses
import sys
import uuid
from typing import Any

import msgspec

import events
from events import (
    ActorRef,
    Affiliation,
    AgencyRegistered,
    Count,
    Event,
    Evidence,
    FactCorrected,
    InitiativeAnnounced,
    MeetingHeld,
    Occurred,
    OrganizationRegistered,
    PersonRegistered,
    SourceRegistered,
    Speaker,
    StatementMade,
)
from events.seed import ARTICLE_TEXT, EVENTS_PATH, SOURCE_ID

METADATA = msgspec.Raw(b'{"source":"seed"}')


def cite(*quotes: str) -> tuple[Evidence, ...]:
    for quote in quotes:
        if not events.quote_in_text(quote, ARTICLE_TEXT):
            raise ValueError(f"not in the article: {quote!r}")
    return tuple(Evidence(source_id=SOURCE_ID, quote=q) for q in quotes)


def person(id_: str) -> ActorRef:
    return ActorRef(kind="person", id=id_)


def organization(id_: str) -> ActorRef:
    return ActorRef(kind="organization", id=id_)


MSS_REVIEW = "mss-workforce-policy-review"
PIPC_ROUNDTABLE = "pipc-ai-startup-roundtable"

# "최근" (recently) in a March 2025 article: March 2025 at best, maybe late February.
RECENTLY = Occurred(date="2025-03", approximate=True, original="최근")
ON_THE_24TH = Occurred(date="2025-03-24")
# Reported in the March 2025 article, with no date of its own.
BY_PUBLICATION = Occurred(date="2025-03", approximate=True)

SOURCE = SourceRegistered(
    source_id=SOURCE_ID,
    title="[중기부·개인정보위의 AI 스타트업 생태계 지원: 인력정책 방향 점검 회의와 AI 스타트업 간담회]",
    language="ko",
    published=Occurred(date="2025-03"),
    kind="news_article",
    text=ARTICLE_TEXT,
    sha256=events.sha256_text(ARTICLE_TEXT),
    note=(
        "The article as kept has no headline: the bracketed title is supplied. Publisher and URL are"
        " unknown. Published in March 2025: PIPC's press release and other reports of 2025-03-24"
        " date the roundtable that the article calls '24일'."
    ),
)

ACTORS: list[Event] = [
    AgencyRegistered(
        agency_id="mss",
        name_ko="중소벤처기업부",
        name_en="Ministry of SMEs and Startups",
        short_ko="중기부",
        short_en="MSS",
        kind="ministry",
        country="KR",
        evidence=cite("중소벤처기업부(이하 중기부)"),
    ),
    AgencyRegistered(
        agency_id="pipc",
        name_ko="개인정보보호위원회",
        name_en="Personal Information Protection Commission",
        short_ko="개인정보위",
        short_en="PIPC",
        kind="commission",
        country="KR",
        evidence=cite("개인정보보호위원회(이하 개인정보위)"),
    ),
    OrganizationRegistered(
        organization_id="wrtn-technologies",
        name_ko="뤼튼테크놀로지스",
        name_en="Wrtn Technologies",
        kind="company",
        evidence=cite("유영준 뤼튼테크놀로지스 이사"),
    ),
    OrganizationRegistered(
        organization_id="klleon",
        name_ko="클레온",
        name_en="Klleon",
        kind="company",
        evidence=cite("서지호 클레온 최고운영책임자"),
    ),
    OrganizationRegistered(
        organization_id="scatter-lab",
        name_ko="스캐터랩",
        name_en="Scatter Lab",
        kind="company",
        description_ko="일상대화 AI 스타트업",
        description_en="AI startup for everyday conversation",
        evidence=cite("일상대화 AI 스타트업 '스캐터랩'"),
    ),
    OrganizationRegistered(
        organization_id="moreh",
        name_ko="모레",
        name_en="Moreh",
        kind="company",
        description_ko="AI 인프라 솔루션 기업",
        description_en="AI infrastructure solutions company",
        evidence=cite("AI 인프라 솔루션 기업 '모레'"),
    ),
    OrganizationRegistered(
        organization_id="elice-group",
        name_ko="엘리스그룹",
        name_en="Elice Group",
        kind="company",
        description_ko="AI 교육 솔루션 기업",
        description_en="AI education solutions company",
        evidence=cite("AI 교육 솔루션 기업 '엘리스그룹'"),
    ),
    PersonRegistered(
        person_id="oh-young-ju",
        name_ko="오영주",
        name_en="Oh Young-ju",
        affiliations=(
            Affiliation(kind="agency", id="mss", title_ko="장관", title_en="Minister of SMEs and Startups"),
        ),
        evidence=cite("오영주 중기부 장관"),
    ),
    PersonRegistered(
        person_id="ko-hak-soo",
        name_ko="고학수",
        name_en="Ko Hak-soo",
        affiliations=(Affiliation(kind="agency", id="pipc", title_ko="위원장", title_en="Chairperson"),),
        evidence=cite("고학수 개인정보위 위원장"),
    ),
    PersonRegistered(
        person_id="yoo-young-joon",
        name_ko="유영준",
        name_en="Yoo Young-joon",
        affiliations=(
            Affiliation(kind="organization", id="wrtn-technologies", title_ko="이사", title_en="Director"),
        ),
        evidence=cite("유영준 뤼튼테크놀로지스 이사"),
    ),
    PersonRegistered(
        person_id="seo-ji-ho",
        name_ko="서지호",
        name_en="Seo Ji-ho",
        affiliations=(
            Affiliation(
                kind="organization",
                id="klleon",
                title_ko="최고운영책임자",
                title_en="Chief Operating Officer (COO)",
            ),
        ),
        evidence=cite("서지호 클레온 최고운영책임자"),
    ),
]

MSS_FACTS: list[Event] = [
    InitiativeAnnounced(
        initiative_id="mss-ai-startup-ai-diffusion-plan",
        agency="mss",
        title_ko="AI 스타트업 육성을 통한 AI 활용·확산 방안",
        title_en="Plan to spread the use of AI by fostering AI startups",
        title_is_official=True,
        kind="plan",
        status="published",
        summary_ko="중기부가 AI 스타트업 육성을 통해 AI 활용과 확산을 넓히려고 마련한 방안.",
        summary_en="MSS's plan to spread the use of AI by fostering AI startups.",
        topics=("ai-startups", "ai-adoption"),
        occurred=Occurred(date="2025-02", original="지난달"),
        evidence=cite("특히 중기부는 지난달 'AI 스타트업 육성을 통한 AI 활용·확산 방안'을 마련한"),
    ),
    MeetingHeld(
        meeting_id=MSS_REVIEW,
        organiser="mss",
        title_ko="인력정책 방향 점검 회의",
        title_en="Review meeting on the direction of workforce policy",
        title_is_official=True,
        kind="review_meeting",
        attendees=(person("oh-young-ju"), person("yoo-young-joon"), person("seo-ji-ho")),
        attendee_count=Count(value=20, approximate=True, original="20여명"),
        topics=("ai-talent", "ai-startups", "manufacturing-ai"),
        summary_ko=(
            "오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이 AI 스타트업 및 제조 AI"
            " 기업에 우수 인재를 양성·공급하기 위한 구체적인 정책 방향을 논의했다."
        ),
        summary_en=(
            "The minister and about 20 people from AI startups, manufacturing AI companies and"
            " experts discussed concrete policy directions for training and supplying skilled"
            " people to AI startups and manufacturing AI companies."
        ),
        occurred=RECENTLY,
        evidence=cite(
            "중기부, AI 스타트업 인재 양성 방안 논의",
            "최근 '인력정책 방향 점검 회의'를 개최하고 AI 스타트업 및 제조 AI 기업에 우수 인재 양성·공급을 위한"
            " 구체적인 정책 방향을 논의했다",
            "회의는 오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이 참석한 가운데 진행됐으며",
        ),
    ),
    StatementMade(
        statement_id="mss-review-policies-presented",
        speaker=Speaker(
            kind="group",
            description_ko="회의 참석자 (정책을 제시한 주체는 기사에 나오지 않음)",
            description_en=(
                "participants of the meeting (the article does not say who presented the policies)"
            ),
        ),
        meeting=MSS_REVIEW,
        kind="proposal",
        text=(
            "AI 인재 양성을 위한 대학과 스타트업 간 산학협력 강화, 재직자 교육 프로그램,"
            " 우수인재 채용 및 근속 유도를 위한 정부 지원 방안"
        ),
        text_en=(
            "Stronger industry-academia cooperation between universities and startups to train AI"
            " talent; training programmes for employees; government support to recruit and retain"
            " skilled people."
        ),
        topics=("ai-talent", "industry-academia-cooperation", "in-service-training", "talent-retention"),
        occurred=RECENTLY,
        evidence=cite(
            "AI 인재 양성을 위한 대학과 스타트업 간 산학협력 강화, 재직자 교육 프로그램, 우수인재 채용 및"
            " 근속 유도를 위한 정부 지원 방안 등 다양한 정책이 제시됐다"
        ),
    ),
    StatementMade(
        statement_id="mss-review-yoo-young-joon-proposal",
        speaker=Speaker(kind="person", id="yoo-young-joon"),
        meeting=MSS_REVIEW,
        kind="proposal",
        text=(
            "해외 AI 인재 유치를 위한 비자 정책과 정착 지원 강화, 인재 유입 촉진을 위한 AI 스타트업의"
            " 연구개발(R&D) 지원 확대"
        ),
        text_en=(
            "Stronger visa policy and settlement support to attract AI talent from abroad, and more"
            " R&D support for AI startups to draw talent in."
        ),
        topics=("ai-talent", "visa-policy", "overseas-talent", "r-and-d-support"),
        occurred=RECENTLY,
        evidence=cite(
            "또한 이 자리에서 유영준 뤼튼테크놀로지스 이사는 해외 AI 인재 유치를 위한 비자 정책과 정착 지원"
            " 강화와 인재 유입 촉진을 위한 AI 스타트업의 연구개발(R&D) 지원 확대를",
        ),
    ),
    StatementMade(
        statement_id="mss-review-seo-ji-ho-proposal",
        speaker=Speaker(kind="person", id="seo-ji-ho"),
        meeting=MSS_REVIEW,
        kind="proposal",
        text="대기업과 스타트업 간 인재 교류 활성화, 스톡옵션 지원 확대를 통한 스타트업의 보상 체계 개선",
        text_en=(
            "More exchange of talent between large companies and startups, and better startup pay"
            " through wider stock-option support."
        ),
        topics=("ai-talent", "talent-exchange", "stock-options"),
        occurred=RECENTLY,
        evidence=cite(
            "또한 이 자리에서",
            "서지호 클레온 최고운영책임자는 대기업과 스타트업 간 인재 교류 활성화, 스톡옵션 지원 확대를 통한"
            " 스타트업의 보상 체계 개선의 필요성을 강조했다",
        ),
    ),
    InitiativeAnnounced(
        initiative_id="mss-ai-startup-competitiveness-measures",
        agency="mss",
        title_ko="국내 AI 스타트업 생태계 경쟁력 강화 방안",
        title_en="Measures to strengthen the competitiveness of Korea's AI startup ecosystem",
        kind="plan",
        status="planned",
        summary_ko="인력정책 방향 점검 회의를 바탕으로 국내 AI 스타트업 생태계의 경쟁력 강화를 위한 구체적인 방안을 마련할 계획.",
        summary_en=(
            "Building on the workforce policy review meeting, MSS plans concrete measures to"
            " strengthen the competitiveness of Korea's AI startup ecosystem."
        ),
        due="향후",
        meetings=(MSS_REVIEW,),
        topics=("ai-startups",),
        occurred=BY_PUBLICATION,
        evidence=cite(
            "이번 회의를 바탕으로 중기부는 향후 국내 AI 스타트업 생태계의 경쟁력 강화를 위한 구체적인 방안을"
            " 마련한다는 계획이다"
        ),
    ),
    # First recorded at the meeting; the erratum OH_REMARKS_UNLINKED below takes them out of it.
    StatementMade(
        statement_id="mss-review-oh-young-ju-remarks",
        speaker=Speaker(kind="person", id="oh-young-ju"),
        meeting=MSS_REVIEW,
        kind="pledge",
        text=(
            "AI 국가대표 스타트업 육성 및 AI 기술과 시장 선점을 위해서는 우수한 AI 인재 확보가 선행돼야 한다\n"
            "우수한 인재가 스타트업, 제조 AI 기업과 함께 성장하고 거대신생기업(유니콘)이 탄생할 수 있도록"
            " 정부의 지원을 아끼지 않겠다"
        ),
        text_en=(
            "Securing skilled AI people must come first if we are to foster national-champion AI"
            " startups and lead in AI technology and markets.\n"
            "The government will spare no support so that skilled people grow together with startups"
            " and manufacturing AI companies and unicorns are born."
        ),
        verbatim=True,
        topics=("ai-talent", "unicorns"),
        occurred=RECENTLY,
        evidence=cite(
            '오영주 중기부 장관은 "AI 국가대표 스타트업 육성 및 AI 기술과 시장 선점을 위해서는 우수한 AI 인재'
            ' 확보가 선행돼야 한다"라며 "우수한 인재가 스타트업, 제조 AI 기업과 함께 성장하고'
            ' 거대신생기업(유니콘)이 탄생할 수 있도록 정부의 지원을 아끼지 않겠다"라고 말했다'
        ),
    ),
]

PIPC_FACTS: list[Event] = [
    MeetingHeld(
        meeting_id=PIPC_ROUNDTABLE,
        organiser="pipc",
        title_ko="AI 스타트업 간담회",
        title_en="AI startup roundtable",
        title_is_official=True,
        kind="roundtable",
        attendees=(organization("scatter-lab"), organization("moreh"), organization("elice-group")),
        topics=("open-source-ai", "ai-startups", "personal-data"),
        summary_ko=(
            "오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다. 국내 AI 스타트업들이 오픈소스 모델을"
            " 활용한 성과와 사례를 공유했고, 자유 토론에서 데이터 및 개인정보 관련 애로·건의사항을 제시했다."
        ),
        summary_en=(
            "Discussed support for innovation in an AI ecosystem built on open source. Korean AI"
            " startups shared results and cases of using open-source models, and raised difficulties"
            " and requests on data and personal information in an open discussion."
        ),
        occurred=Occurred(date="2025-03-24", original="24일"),
        evidence=cite(
            "개인정보위, 오픈소스 AI 활성화 지원",
            "24일 개인정보위는 'AI 스타트업 간담회'를 열고 오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다",
            "간담회에는 국내 AI 스타트업들이 참여해 오픈소스 모델을 활용한 주요 성과와 사례를 공유했다",
            "발표 이후 진행된 자유 토론에서는 생성형 AI 개발·도입 과정에서 겪은 다양한 데이터 및 개인정보 관련"
            " 애로·건의사항을 제시하는 시간을 가졌다",
        ),
    ),
    StatementMade(
        statement_id="pipc-roundtable-scatter-lab-presentation",
        speaker=Speaker(kind="organization", id="scatter-lab"),
        meeting=PIPC_ROUNDTABLE,
        kind="presentation",
        text=(
            "현재 연구 중인 오픈소스 관련 기술과, 구글 젬마와 딥시크 등 글로벌 오픈소스 모델이 국내 AI 생태계에"
            " 미치는 파급력"
        ),
        text_en=(
            "The open-source technology it is researching, and the impact of global open-source"
            " models such as Google Gemma and DeepSeek on Korea's AI ecosystem."
        ),
        topics=("open-source-ai", "open-source-models"),
        occurred=ON_THE_24TH,
        evidence=cite(
            "일상대화 AI 스타트업 '스캐터랩'은 현재 연구 중인 오픈소스 관련 기술과 구글 젬마와 딥시크 등 글로벌"
            " 오픈소스 모델이 국내 AI 생태계에 미치는 파급력에 대해 발표했으며"
        ),
    ),
    StatementMade(
        statement_id="pipc-roundtable-moreh-presentation",
        speaker=Speaker(kind="organization", id="moreh"),
        meeting=PIPC_ROUNDTABLE,
        kind="presentation",
        text=(
            "한국어 답변 성능 강화에 초점을 맞춘 언어모델 소개, 서비스 개발·운영 경험을 토대로 본 오픈소스"
            " 모델의 장점과 이에 따른 프라이버시 위협"
        ),
        text_en=(
            "A language model focused on better answers in Korean; from its experience of building and"
            " running services, the advantages of open-source models and the privacy threats they bring."
        ),
        topics=("open-source-models", "korean-language-models", "privacy"),
        occurred=ON_THE_24TH,
        evidence=cite(
            "AI 인프라 솔루션 기업 '모레'는 한국어 답변 성능 강화에 초점을 맞춘 언어모델을 소개하며 서비스"
            " 개발·운영 경험을 토대로 오픈소스 모델의 장점과 이에 따른 프라이버시 위협에 대해 언급했다"
        ),
    ),
    StatementMade(
        statement_id="pipc-roundtable-elice-group-presentation",
        speaker=Speaker(kind="organization", id="elice-group"),
        meeting=PIPC_ROUNDTABLE,
        kind="presentation",
        text=(
            "클라우드 서비스 보안인증을 획득한 자사 제품 소개와, AI 클라우드 인프라 제공 과정에서 오픈소스 모델을"
            " 활용한 사례"
        ),
        text_en=(
            "Its products certified for cloud service security, and how it uses open-source models in"
            " providing AI cloud infrastructure."
        ),
        topics=("open-source-models", "cloud-security"),
        occurred=ON_THE_24TH,
        evidence=cite(
            "이어 AI 교육 솔루션 기업 '엘리스그룹'은 클라우드 서비스 보안인증을 획득한 자사 제품을 소개하면서"
            " AI 클라우드 인프라 제공 과정에서 오픈소스 모델 활용 사례를 소개했다"
        ),
    ),
    # The article does not name these companies; it does not say the three presenters were among them.
    StatementMade(
        statement_id="pipc-roundtable-companies-proposals",
        speaker=Speaker(
            kind="group",
            description_ko="다수의 기업들",
            description_en="several companies at the roundtable (not named in the article)",
        ),
        meeting=PIPC_ROUNDTABLE,
        kind="proposal",
        text=(
            "자사 또는 고객사의 이용자 데이터를 AI 개발에 활용하는 과정에서 발생하는 법적 불확실성 문제를"
            " 지적하고, 적법한 이용자 데이터 활용을 위한 법적 기준 안내, 익명·가명 데이터 처리 방법론, 비식별"
            " 데이터의 재식별 평가 기준 마련 등의 지원 방안을 제안"
        ),
        text_en=(
            "They pointed to legal uncertainty in using their own or their customers' user data to"
            " develop AI, and proposed support for lawful use of user data: guidance on the legal"
            " standards, methods for processing anonymous and pseudonymous data, and criteria for"
            " assessing the re-identification of de-identified data."
        ),
        topics=("personal-data", "legal-certainty", "pseudonymisation", "re-identification"),
        occurred=ON_THE_24TH,
        evidence=cite(
            "이 자리에서 다수의 기업들은 자사 또는 고객사의 이용자 데이터를 AI 개발에 활용하는 과정에서 발생하는"
            " 법적 불확실성 문제를 지적하고, 적법한 이용자 데이터 활용을 위한 △법적 기준 안내 △익명·가명 데이터"
            " 처리 방법론 △비식별 데이터의 재식별 평가 기준 마련 등의 지원 방안을 제안했다"
        ),
    ),
    # The article does not say where or when the chairperson said this, nor that he attended the
    # roundtable: no meeting, and the month of publication, approximate (not the roundtable's day).
    StatementMade(
        statement_id="pipc-ko-hak-soo-open-source-remarks",
        speaker=Speaker(kind="person", id="ko-hak-soo"),
        kind="pledge",
        text=(
            "우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는 오픈소스 이점을 최대한 활용할 필요가 있다\n"
            "국내 기관과 기업이 오픈소스 AI를 도입·활용하는 과정에서 AI 데이터 처리와 관련된 리스크 요인이"
            " 최소화될 수 있도록 중소·스타트업 업계와 긴밀히 협력해 나가겠다"
        ),
        text_en=(
            "To develop a competitive AI innovation ecosystem in Korea, we need to make the most of"
            " the advantages of open source.\n"
            "We will work closely with SMEs and startups so that the risks of AI data processing are"
            " minimised as Korean institutions and companies adopt and use open-source AI."
        ),
        verbatim=True,
        topics=("open-source-ai", "personal-data"),
        occurred=BY_PUBLICATION,
        evidence=cite(
            '고학수 개인정보위 위원장은 "우리나라의 경쟁력 있는 AI 혁신 생태계 발전을 위해서는 오픈소스 이점을'
            ' 최대한 활용할 필요가 있다"라며 "국내 기관과 기업이 오픈소스 AI를 도입·활용하는 과정에서 AI 데이터'
            ' 처리와 관련된 리스크 요인이 최소화될 수 있도록 중소·스타트업 업계와 긴밀히 협력해 나가겠다"라고 말했다'
        ),
    ),
    InitiativeAnnounced(
        initiative_id="pipc-generative-ai-guide",
        agency="pipc",
        title_ko="생성형 AI 도입 및 활용 안내서",
        title_en="Guide to adopting and using generative AI",
        title_is_official=True,
        kind="guideline",
        status="planned",
        summary_ko=(
            "간담회 논의 결과를 바탕으로, 국내 오픈소스 AI 확산 추세에 맞춰 중소기업과 스타트업에 실질적인 도움이"
            " 될 개인정보 관점의 안내서를 마련할 계획."
        ),
        summary_en=(
            "Building on the roundtable, PIPC plans a guide, from the personal-information point of"
            " view, of practical help to SMEs and startups as open-source AI spreads in Korea."
        ),
        meetings=(PIPC_ROUNDTABLE,),
        topics=("generative-ai", "open-source-ai", "personal-data"),
        # After the roundtable of the 24th and by publication: March 2025, though no day is given.
        occurred=Occurred(date="2025-03"),
        evidence=cite(
            "개인정보위는 간담회 논의 결과를 바탕으로 국내 오픈소스 AI 확산 추세에 발맞춰 중소기업 및 스타트업에"
            " 실질적인 도움이 될 수 있는 개인정보 관점의 '생성형 AI 도입 및 활용 안내서'를 마련할 계획이다"
        ),
    ),
]

FACTS: list[Event] = [SOURCE, *ACTORS, *MSS_FACTS, *PIPC_FACTS]
"""The seed as first published. Its events keep their ids and order for ever: stores that were
seeded with it receive what follows as new events."""


def first_published(entity_id: str) -> Event:
    """The fact, as first published, that registered or reported the entity ``entity_id``."""
    return next(f for f in FACTS if getattr(f, type(f).KEY or "") == entity_id)


@dataclasses.dataclass(frozen=True)
class Erratum:
    """A slip in a seed fact, found after the seed was published: appended as a `fact.corrected`
    in the fact's stream, because the log is never edited."""

    target: Event
    changes: dict[str, Any]
    reason: str
    evidence: tuple[Evidence, ...]


GOVERNMENT = AgencyRegistered(
    agency_id="kr-government",
    name_ko="대한민국 정부",
    name_en="Government of the Republic of Korea",
    short_ko="정부",
    short_en="Government",
    kind="government",
    country="KR",
    evidence=cite("정부가 AI 시대 경쟁력 강화를 위해"),
)

# The lede's plan: the article gives it to "정부" (the government) and names no body, so it is
# the government's, not a ministry's guessed for it.
GOVERNMENT_OPEN_SOURCE_PLAN = InitiativeAnnounced(
    initiative_id="kr-government-open-source-ai-model-support",
    agency="kr-government",
    title_ko="오픈 소스 기반 AI 모델 발전 지원",
    title_en="Support for the development of open-source AI models",
    kind="plan",
    status="planned",
    summary_ko=(
        "정부가 AI 분야에서 경쟁력 있는 인재를 양성하고 관련 스타트업이 글로벌 시장에서 더 큰 영향을 미칠 수"
        " 있도록 오픈 소스 기반 AI 모델의 발전을 적극 지원할 계획. 기사는 이를 '정부'의 계획으로만 전하고 어느"
        " 부처가 맡는지 밝히지 않는다."
    ),
    summary_en=(
        "The government plans to actively support the development of open-source AI models, so as"
        " to train competitive AI talent and help the startups concerned have a greater impact on"
        " global markets. The article gives the plan to \"the government\" (정부) and names no"
        " ministry or body for it."
    ),
    topics=("open-source-ai", "ai-talent", "ai-startups"),
    occurred=BY_PUBLICATION,
    evidence=cite(
        "정부가 AI 시대 경쟁력 강화를 위해 국내 AI 스타트업 생태계 혁신을 위한 다양한 정책을 추진하고 있다",
        "AI 분야에서 경쟁력 있는 인재를 양성하고, 관련 스타트업이 글로벌 시장에서 더 큰 영향을 미칠 수 있도록"
        " 오픈 소스 기반 AI 모델의 발전을 적극 지원한다는 계획이다",
    ),
)

OH_REMARKS = first_published("mss-review-oh-young-ju-remarks")
OH_REMARKS_UNLINKED = Erratum(
    OH_REMARKS,
    {"meeting": None, "occurred": msgspec.to_builtins(BY_PUBLICATION)},
    "The article does not place the minister's remarks at the review meeting: Yoo's and Seo's"
    " proposals are introduced with '이 자리에서' (at the meeting), her paragraph has no such words,"
    " and Ko's remarks, written the same way, name no meeting either. She attended the meeting (it"
    " lists her); the remarks are dated by the article's publication, as Ko's are.",
    cite("또한 이 자리에서", "오영주 중기부 장관은"),
)

# Statements made at a meeting that the article dates only through the meeting: with no date of
# their own they take the meeting's, and follow it when a later source dates the meeting.
AT_THE_MEETING = {
    "mss-review-policies-presented": "다양한 정책이 제시됐다",
    "mss-review-yoo-young-joon-proposal": "또한 이 자리에서 유영준",
    "mss-review-seo-ji-ho-proposal": "또한 이 자리에서",
    "pipc-roundtable-scatter-lab-presentation": "간담회에는 국내 AI 스타트업들이 참여해",
    "pipc-roundtable-moreh-presentation": "간담회에는 국내 AI 스타트업들이 참여해",
    "pipc-roundtable-elice-group-presentation": "간담회에는 국내 AI 스타트업들이 참여해",
    "pipc-roundtable-companies-proposals": "발표 이후 진행된 자유 토론에서는",
}
DATED_BY_THEIR_MEETING = [
    Erratum(
        first_published(statement_id),
        {"occurred": None},
        "Made at the meeting, which is all the article says of when: the statement has the"
        " meeting's date, and follows it when a later source dates the meeting more precisely.",
        cite(quote),
    )
    for statement_id, quote in AT_THE_MEETING.items()
]

ENGLISH_SLIPS = [
    Erratum(
        first_published(MSS_REVIEW),
        {
            "summary_en": (
                "About 20 people, among them the minister and people from AI startups,"
                " manufacturing AI companies and experts, discussed concrete policy directions for"
                " training and supplying skilled people to AI startups and manufacturing AI companies."
            )
        },
        "The English counted the minister apart from the '20여명' (about 20 people); in the Korean"
        " she is one of them.",
        cite("회의는 오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이 참석한 가운데"),
    ),
    Erratum(
        first_published("mss-review-seo-ji-ho-proposal"),
        {
            "text_en": (
                "More exchange of talent between large companies and startups, and a better"
                " compensation system at startups through wider stock-option support."
            )
        },
        "'보상 체계' is a compensation system, not pay.",
        cite("스톡옵션 지원 확대를 통한 스타트업의 보상 체계 개선의 필요성을 강조했다"),
    ),
    Erratum(
        OH_REMARKS,
        {
            "text_en": (
                "Securing skilled AI people must come first if we are to foster national-champion"
                " AI startups and seize an early lead in AI technology and markets.\n"
                "The government will spare no support so that skilled people grow together with"
                " startups and manufacturing AI companies and unicorns are born."
            )
        },
        "'선점' is to seize an early lead (to get there first), not to lead.",
        cite("AI 기술과 시장 선점을 위해서는"),
    ),
    Erratum(
        first_published(PIPC_ROUNDTABLE),
        {
            "summary_ko": (
                "개인정보위가 오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다. 국내 AI 스타트업들이"
                " 오픈소스 모델을 활용한 성과와 사례를 공유했고, 자유 토론에서 참석 기업들이 데이터 및"
                " 개인정보 관련 애로·건의사항을 제시했다."
            ),
            "summary_en": (
                "PIPC discussed support for innovation in an AI ecosystem built on open source."
                " Korean AI startups shared results and cases of using open-source models, and in an"
                " open discussion the companies raised difficulties and requests on data and"
                " personal information."
            ),
        },
        "The summary had no subject: it is PIPC that held the roundtable and discussed the support.",
        cite("24일 개인정보위는 'AI 스타트업 간담회'를 열고"),
    ),
    Erratum(
        first_published("pipc-roundtable-companies-proposals"),
        {
            "speaker": {
                "kind": "group",
                "description_ko": "다수의 기업들",
                "description_en": "many companies at the roundtable (not named in the article)",
            },
            "text_en": (
                "They pointed to legal uncertainty in using their own or their customers' user data"
                " to develop AI, and proposed support for lawful use of user data: guidance on the"
                " legal standards, methods for processing anonymised and pseudonymised data, and"
                " criteria for assessing the re-identification of de-identified data."
            ),
        },
        "'다수의 기업들' is many companies, not several; '익명·가명' data is anonymised and"
        " pseudonymised data, not anonymous and pseudonymous.",
        cite("다수의 기업들은", "△익명·가명 데이터 처리 방법론"),
    ),
]

# A second bilingual review, line by line against the article, found slips that the seed and
# its first errata left (issue 21). A field that a first erratum set is corrected again in the
# original fact's stream: the latest correction of a field wins.
SECOND_REVIEW = [
    Erratum(
        SOURCE,
        {
            "note": (
                "The article as kept has no headline: the bracketed title is supplied. Publisher"
                " and URL are unknown. Published in March 2025: PIPC's press release and other"
                " reports of 2025-03-24 date the roundtable that the article calls '24일'. The"
                " article reports the roundtable as already held and gives its day with no month,"
                " as Korean news reports usually do only for a day of the month they appear in;"
                " so it appeared between 24 and 31 March 2025."
            )
        },
        "The note did not say how the roundtable's date (2025-03-24) dates the article: the"
        " article reports the roundtable as already held ('열고 … 논의했다') and gives its day"
        " with no month ('24일'), which a Korean news report usually does only for a day of the"
        " month it appears in; so it appeared between 24 and 31 March 2025.",
        cite(
            "24일 개인정보위는 'AI 스타트업 간담회'를 열고 오픈소스 기반 AI 생태계 혁신을 위한 지원"
            " 방안을 논의했다"
        ),
    ),
    Erratum(
        first_published("mss-ai-startup-ai-diffusion-plan"),
        {"summary_ko": "중기부가 AI 스타트업 육성을 통해 AI 활용을 확산하고자 마련한 방안."},
        "The Korean summary said 'spread' twice ('확산을 넓히려고') in a colloquial ending; the"
        " plan's title, 'AI 활용·확산', is the spread of AI use.",
        cite("'AI 스타트업 육성을 통한 AI 활용·확산 방안'"),
    ),
    Erratum(
        first_published(MSS_REVIEW),
        {
            "summary_en": (
                "About 20 people, among them the minister, people from Korean AI startups and"
                " manufacturing AI companies, and experts, discussed concrete policy directions for"
                " training and supplying skilled people to AI startups and manufacturing AI"
                " companies."
            )
        },
        "The first erratum's English was ungrammatical ('people from … and experts', as if"
        " experts were where people come from) and dropped '국내' (Korean) from the startups.",
        cite("오영주 장관과 국내 AI 스타트업, 제조 AI 기업, 전문가 등 20여명이"),
    ),
    Erratum(
        first_published("mss-review-policies-presented"),
        {
            "text": (
                "AI 인재 양성을 위한 대학과 스타트업 간 산학협력 강화, 재직자 교육 프로그램,"
                " 우수인재 채용 및 근속 유도를 위한 정부 지원 방안 등 다양한 정책"
            ),
            "text_en": (
                "Various policies, among them stronger industry-academia cooperation between"
                " universities and startups to train AI talent, training programmes for employees,"
                " and government support to recruit and retain skilled people."
            ),
        },
        "The article gives these with '등 다양한 정책' (among various policies): the list is not"
        " complete, and the text and its English read as if it were.",
        cite("우수인재 채용 및 근속 유도를 위한 정부 지원 방안 등 다양한 정책이 제시됐다"),
    ),
    Erratum(
        first_published(PIPC_ROUNDTABLE),
        {
            "summary_ko": (
                "개인정보위가 오픈소스 기반 AI 생태계 혁신을 위한 지원 방안을 논의했다. 국내 AI"
                " 스타트업들이 오픈소스 모델을 활용한 주요 성과와 사례를 공유했다. 발표 이후 진행된 자유"
                " 토론에서는 생성형 AI 개발·도입 과정에서 겪은 다양한 데이터 및 개인정보 관련"
                " 애로·건의사항을 제시하는 시간을 가졌다."
            ),
            "summary_en": (
                "PIPC discussed support for innovation in an AI ecosystem built on open source."
                " Korean AI startups shared key results and cases of using open-source models. In"
                " the open discussion after the presentations, there was time to raise various"
                " difficulties and requests concerning data and personal information encountered in"
                " developing and adopting generative AI."
            ),
        },
        "Change of subject: the first erratum made the companies present ('참석 기업들이', 'the"
        " companies') raise the difficulties and requests in the open discussion, but the"
        " article's sentence has no subject ('…을 제시하는 시간을 가졌다') and names '다수의"
        " 기업들' (many companies) only in the next sentence, for the proposals; the summaries now"
        " give it no subject either. They also regain what they had dropped: '주요' (key results)"
        " and '생성형 AI 개발·도입 과정에서 겪은' (encountered in developing and adopting"
        " generative AI).",
        cite(
            "국내 AI 스타트업들이 참여해 오픈소스 모델을 활용한 주요 성과와 사례를 공유했다",
            "발표 이후 진행된 자유 토론에서는 생성형 AI 개발·도입 과정에서 겪은 다양한 데이터 및 개인정보 관련"
            " 애로·건의사항을 제시하는 시간을 가졌다",
            "이 자리에서 다수의 기업들은",
        ),
    ),
    Erratum(
        first_published("pipc-roundtable-scatter-lab-presentation"),
        {
            "text": (
                "현재 연구 중인 오픈소스 관련 기술, 구글 젬마와 딥시크 등 글로벌 오픈소스 모델이 국내 AI"
                " 생태계에 미치는 파급력"
            )
        },
        "A comma after a joining '과' ('기술과, 구글 젬마와') is not natural Korean: the two things"
        " presented are now a list, as in the other statements' texts.",
        cite(
            "현재 연구 중인 오픈소스 관련 기술과 구글 젬마와 딥시크 등 글로벌 오픈소스 모델이 국내 AI 생태계에"
            " 미치는 파급력에 대해 발표했으며"
        ),
    ),
    Erratum(
        first_published("pipc-roundtable-elice-group-presentation"),
        {
            "text": (
                "클라우드 서비스 보안인증을 획득한 자사 제품 소개, AI 클라우드 인프라 제공 과정에서"
                " 오픈소스 모델을 활용한 사례"
            ),
            "text_en": (
                "Its products certified for cloud service security, and cases of using open-source"
                " models in providing AI cloud infrastructure."
            ),
        },
        "'오픈소스 모델 활용 사례를 소개' is introducing cases of using open-source models, not how"
        " it uses them; and a comma after a joining '와' ('소개와, AI') is not natural Korean.",
        cite("AI 클라우드 인프라 제공 과정에서 오픈소스 모델 활용 사례를 소개했다"),
    ),
    Erratum(
        first_published("pipc-roundtable-companies-proposals"),
        {
            "text_en": (
                "They pointed to legal uncertainty in using their own or their customers' user data"
                " to develop AI, and proposed support measures for lawful use of user data, such as"
                " guidance on the legal standards, methods for processing anonymised and"
                " pseudonymised data, and criteria for assessing the re-identification of"
                " de-identified data."
            )
        },
        "The article gives the support with '등의 지원 방안' (support measures such as these): the"
        " English, with a colon, read as if its list were complete.",
        cite("비식별 데이터의 재식별 평가 기준 마련 등의 지원 방안을 제안했다"),
    ),
    Erratum(
        first_published("pipc-ko-hak-soo-open-source-remarks"),
        {
            "text_en": (
                "To develop a competitive AI innovation ecosystem in Korea, we need to make the most"
                " of the advantages of open source.\n"
                "We will work closely with SMEs and startups so that the risk factors related to AI"
                " data processing are minimised as Korean institutions and companies adopt and use"
                " open-source AI."
            )
        },
        "'AI 데이터 처리와 관련된 리스크 요인' is the risk factors related to AI data processing, not"
        " the risks of AI data processing.",
        cite("AI 데이터 처리와 관련된 리스크 요인이 최소화될 수 있도록"),
    ),
    Erratum(
        GOVERNMENT_OPEN_SOURCE_PLAN,
        {
            "summary_ko": (
                "정부가 AI 분야에서 경쟁력 있는 인재를 양성하고, 관련 스타트업이 글로벌 시장에서 더 큰"
                " 영향을 미칠 수 있도록 오픈 소스 기반 AI 모델의 발전을 적극 지원할 계획. 기사는 이를"
                " '정부'의 계획으로만 전하고 어느 부처가 맡는지 밝히지 않는다."
            ),
            "summary_en": (
                "The government plans to train competitive talent in AI, and to actively support the"
                " development of open-source AI models so that the startups concerned can have a"
                " greater impact on global markets. The article gives the plan to \"the government\""
                " (정부) and names no ministry or body for it."
            ),
        },
        "The article's '양성하고,' joins two parts of the plan: to train competitive AI talent,"
        " and to support open-source AI models so that the startups can have a greater impact on"
        " global markets. The English made training talent the purpose of the support; the"
        " Korean, without the article's comma after '양성하고', could be read the same way.",
        cite("AI 분야에서 경쟁력 있는 인재를 양성하고, 관련 스타트업이"),
    ),
]

ERRATA: list[Event | Erratum] = [
    GOVERNMENT,
    GOVERNMENT_OPEN_SOURCE_PLAN,
    OH_REMARKS_UNLINKED,
    *DATED_BY_THEIR_MEETING,
    *ENGLISH_SLIPS,
    *SECOND_REVIEW,
]
"""What the reviews of the seed against the article found, in the order it is appended: the
first review's 15 events, then the second review's 10 corrections."""


class _Line(msgspec.Struct):
    stream_id: str
    id: uuid.UUID
    type: str
    data: msgspec.Raw
    metadata: msgspec.Raw


def event_id(stream_id: str, version: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"policy-timeline:seed:{stream_id}:{version}")


def render(facts: list[Event] = FACTS, errata: list[Event | Erratum] = ERRATA) -> bytes:
    """The JSON Lines; each event is decoded again, so Meta constraints are checked too."""
    versions: dict[str, int] = {}
    ids: dict[int, uuid.UUID] = {}  # id(fact) -> its event id, for the errata's targets
    lines = []
    for item in [*facts, *errata]:
        if isinstance(item, Erratum):
            stream = item.target.stream_id()
            event: Event = FactCorrected(
                target=ids[id(item.target)],
                changes=item.changes,
                reason=item.reason,
                evidence=item.evidence,
            )
        else:
            stream, event = item.stream_id(), item
        assert stream is not None
        data = events.encode_event_data(event)
        events.decode_event(event.TYPE, data)
        versions[stream] = versions.get(stream, 0) + 1
        ids[id(item)] = event_id(stream, versions[stream])
        line = _Line(stream, ids[id(item)], event.TYPE, msgspec.Raw(data), METADATA)
        lines.append(msgspec.json.encode(line))
    return b"\n".join(lines) + b"\n"


def main(argv: list[str]) -> int:
    content = render()
    if "--check" in argv:
        current = EVENTS_PATH.read_bytes() if EVENTS_PATH.exists() else b""
        if current != content:
            print(f"{EVENTS_PATH} is out of date: run python -m events.seed.build", file=sys.stderr)
            return 1
        return 0
    EVENTS_PATH.write_bytes(content)
    print(f"wrote {len(FACTS) + len(ERRATA)} events to {EVENTS_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
