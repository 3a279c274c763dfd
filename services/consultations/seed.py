"""Demo cases of the demo resident (phone 13800138000): two answered consultations published
to the FAQ, an answered suggestion, and an open complaint. Idempotent: a demo case already
written (same resident and title) is left as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from channels.app.service import APP_ID
from channels.identity.crypto import open_text
from channels.identity.service import identity
from gateway.schemas import Channel, StaffPrincipal, StaffScope
from services.consultations import repository as repo
from services.consultations.models import TITLE_PURPOSE, CaseKind
from services.consultations.schemas import AnswerParams, SubmitParams
from services.consultations.service import consultations

DEMO_PHONE = "13800138000"
# The demo's own handler: every department, only this permission.
SEED_STAFF = StaffPrincipal(0, "seed", frozenset({"consultations.answer"}), (StaffScope(),), "seed")


@dataclass(frozen=True, slots=True)
class DemoCase:
    case: SubmitParams
    answer: str | None = None
    faq: tuple[str, str] | None = None  # the question and answer as worded for the public


DEMO_CASES = (
    DemoCase(
        SubmitParams(
            kind=CaseKind.CONSULTATION,
            item="GA006",
            title="新生儿落户需要父母双方到场吗",
            text="孩子刚出生，爸爸在外地工作，新生儿入户是否必须父母双方一起到派出所办理？",
        ),
        answer="您好，新生儿入户可由父母一方持相关材料办理，另一方无需到场，"
        "也可通过网上申办提交材料。",
        faq=(
            "新生儿入户是否需要父母双方到场？",
            "不需要。父母一方持出生医学证明、户口簿及双方身份证件即可办理，也可网上申办。",
        ),
    ),
    DemoCase(
        SubmitParams(
            kind=CaseKind.CONSULTATION,
            department="350200-human_resources",
            title="社保卡丢失如何补办",
            text="社保卡不小心丢了，想问一下补办要去哪里，需要多长时间？",
        ),
        answer="您好，可先通过“闽政通”或拨打12333挂失，再到任一社保卡服务网点补办，"
        "即时制卡的网点当场可取。",
        faq=(
            "社保卡丢失后如何补办？",
            "先通过闽政通或12333电话挂失，再持身份证到社保卡服务网点补办，即时制卡网点可当场领取。",
        ),
    ),
    DemoCase(
        SubmitParams(
            kind=CaseKind.SUGGESTION,
            department="350200-transport",
            title="建议加开早高峰地铁接驳公交",
            text="早高峰从小区到地铁站的公交间隔太长，建议加开接驳班次。",
        ),
        answer="感谢您的建议。我局已会同公交集团评估客流，拟于下月起在早高峰加密接驳班次。",
    ),
    DemoCase(
        SubmitParams(
            kind=CaseKind.COMPLAINT,
            department="350200-market_regulation",
            title="商家拒绝七天无理由退货",
            text="在某商场购买的电器未拆封，商家拒绝七天无理由退货，请协助处理。",
        ),
    ),
)


async def demo_resident() -> int:
    """The demo resident, signed up through the app on first seeding if need be."""
    citizen_id = await identity.citizen_id_by_phone(DEMO_PHONE)
    if citizen_id is None:
        await identity.sign_in_channel_account(Channel.APP, APP_ID, DEMO_PHONE, phone=DEMO_PHONE)
        citizen_id = await identity.citizen_id_by_phone(DEMO_PHONE)
    assert citizen_id is not None
    return citizen_id


async def seed_consultations(say: Callable[[str], object] = print) -> int:
    citizen_id = await demo_resident()
    created = 0
    titles = {
        open_text(cipher, TITLE_PURPOSE) for cipher in await repo.title_ciphers_of(citizen_id)
    }
    for demo in DEMO_CASES:
        if demo.case.title in titles:
            continue
        case = await consultations.submit(citizen_id, demo.case, Channel.APP)
        if demo.answer is not None:
            question, public = demo.faq or (None, None)
            answer = AnswerParams(
                case_no=case.case_no,
                text=demo.answer,
                publish_faq=demo.faq is not None,
                faq_question=question,
                faq_answer=public,
            )
            await consultations.answer(SEED_STAFF, answer)
        created += 1
    say(f"consultations: {created} demo cases for {DEMO_PHONE} ({len(DEMO_CASES)} in all)")
    return created
