"""Queue number (排队叫号) actions and the live stream of one number: thin, see service.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import StreamingResponse

from gateway.codes import Code
from gateway.paging import Page
from gateway.registry import RateLimit, Service
from gateway.router import signed_in
from gateway.schemas import CitizenPrincipal, IdentityLevel, ServiceRequest
from services.queue import live
from services.queue.schemas import (
    BoardRead,
    CheckInParams,
    DeskRead,
    FastLaneParams,
    HallParams,
    IssueParams,
    MyTicketsParams,
    NoParams,
    QueueRead,
    StreamTicketRead,
    TakeParams,
    TicketParams,
    TicketRead,
    TransferParams,
    WindowChoiceRead,
    WindowParams,
    WindowRead,
    WindowSessionRead,
)
from services.queue.service import queue

# Staff permissions, granted by the staff roles (window clerk, hall admin).
CALL = "queue.call"  # sign in at a window; call, recall, skip, finish, transfer
ISSUE = "queue.issue"  # hand out numbers on site, mark fast lanes
CHECK_IN = "appointments.checkin"  # turn a booking into a priority number at the hall

service = Service("queue", "排队叫号", "Queue numbers")


# Residents


@service.action(summary_zh="大厅的排队队列及等候人数", summary_en="Queues of a hall, with waiting")
async def queues(request: ServiceRequest, params: HallParams) -> list[QueueRead]:
    """Queues of a hall and how many wait in each."""
    return await queue.queues(params.hall_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(10),
    mutates=True,
    summary_zh="取号",
    summary_en="Take a number",
)
async def take(request: ServiceRequest, params: TakeParams) -> TicketRead:
    """Take a number, remotely or on site."""
    citizen = request.require_citizen()
    return await queue.take(citizen.citizen_id, params.queue_id, request.channel.value)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的号码：前面还有几人、预计等候时间",
    summary_en="My number: how many are ahead and the estimated wait",
)
async def my_number(request: ServiceRequest, params: TicketParams) -> TicketRead:
    """My number: how many are ahead and the estimated wait."""
    return await queue.my_ticket(request.require_citizen().citizen_id, params.ticket_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN, summary_zh="我今天的号码", summary_en="My numbers today"
)
async def my_numbers(request: ServiceRequest, params: MyTicketsParams) -> Page[TicketRead]:
    """My numbers today in the order taken, a page at a time."""
    return await queue.my_tickets(request.require_citizen().citizen_id, params)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="取消我的号码",
    summary_en="Give up my number",
)
async def cancel(request: ServiceRequest, params: TicketParams) -> TicketRead:
    """Give up my number."""
    return await queue.cancel(request.require_citizen().citizen_id, params.ticket_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(20),
    summary_zh="获取实时动态凭证（供网页 EventSource 打开号码的实时推送）",
    summary_en="A single-use ticket opening my number's live updates from a web page",
)
async def stream_ticket(request: ServiceRequest, params: TicketParams) -> StreamTicketRead:
    """A single-use ticket opening my number's live updates without an Authorization header."""
    citizen_id = request.require_citizen().citizen_id
    await queue.my_ticket(citizen_id, params.ticket_id)  # not theirs: not found
    ttl = queue.settings.stream_ticket_seconds
    ticket = await live.issue_stream_ticket(citizen_id, params.ticket_id, ttl)
    return StreamTicketRead(
        url=f"/api/v1/queue/numbers/{params.ticket_id}/events?ticket={ticket}",
        ticket=ticket,
        expires_in=ttl,
    )


# Staff on site


@service.action(
    permission=ISSUE,
    rate_limit=None,
    mutates=True,
    summary_zh="现场取号（自助机、导办台）",
    summary_en="Hand out a number on site (kiosk, reception)",
)
async def issue(request: ServiceRequest, params: IssueParams) -> TicketRead:
    """Hand out a number on site."""
    return await queue.issue(
        request.require_staff(), params.queue_id, params.fast_lane_group, request.channel.value
    )


@service.action(
    permission=CHECK_IN,
    mutates=True,
    summary_zh="预约签到，转为优先号",
    summary_en="Check a booking in: it becomes a priority number",
)
async def check_in(request: ServiceRequest, params: CheckInParams) -> TicketRead:
    """Check a booking in by its code."""
    return await queue.check_in(
        request.require_staff(), params.check_in_code, request.channel.value
    )


@service.action(
    permission=ISSUE,
    mutates=True,
    summary_zh="标记绿色通道（老年人、残疾人、孕妇、军人）",
    summary_en="Put a number in the fast lane after checking the proof",
)
async def mark_fast_lane(request: ServiceRequest, params: FastLaneParams) -> TicketRead:
    """Put a number in the fast lane."""
    return await queue.mark_fast_lane(
        request.require_staff(), params.ticket_id, params.fast_lane_group
    )


# Staff at a window


@service.action(
    permission=CALL,
    summary_zh="我可登录的窗口",
    summary_en="Windows I may sign in at",
)
async def my_windows(request: ServiceRequest, params: NoParams) -> list[WindowChoiceRead]:
    """The windows of the halls my scopes cover."""
    return await queue.windows_of(request.require_staff())


@service.action(
    permission=CALL,
    errors=(Code.WINDOW_NOT_FOUND, Code.OUT_OF_SCOPE),
    summary_zh="我的窗口：正在办理的号码与等候队列",
    summary_en="My window: the number being served and the numbers waiting",
)
async def desk(request: ServiceRequest, params: NoParams) -> DeskRead:
    """My window, the number at it and the numbers waiting for it in serving order."""
    return await queue.desk(request.require_staff())


@service.action(
    permission=CALL,
    errors=(Code.HALL_NOT_FOUND, Code.OUT_OF_SCOPE),
    summary_zh="大厅的窗口",
    summary_en="The windows of a hall, to sign in at one",
)
async def windows(request: ServiceRequest, params: HallParams) -> list[WindowRead]:
    """The windows of a hall, to sign in at one."""
    return await queue.windows(request.require_staff(), params.hall_id)


@service.action(
    permission=CALL, mutates=True, summary_zh="登录窗口", summary_en="Sign in at a window"
)
async def window_sign_in(request: ServiceRequest, params: WindowParams) -> WindowSessionRead:
    """Sign in at a window."""
    return await queue.sign_in(request.require_staff(), params.window_id)


@service.action(permission=CALL, mutates=True, summary_zh="退出窗口", summary_en="Leave the window")
async def window_sign_out(request: ServiceRequest, params: NoParams) -> NoParams:
    """Leave the window."""
    await queue.sign_out(request.require_staff())
    return NoParams()


@service.action(permission=CALL, mutates=True, summary_zh="叫号", summary_en="Call the next number")
async def call_next(request: ServiceRequest, params: NoParams) -> TicketRead:
    """Call the next number."""
    return await queue.call_next(request.require_staff())


@service.action(
    permission=CALL, mutates=True, summary_zh="重呼", summary_en="Call the number again"
)
async def recall(request: ServiceRequest, params: NoParams) -> TicketRead:
    """Call the number again."""
    return await queue.recall(request.require_staff())


@service.action(
    permission=CALL, mutates=True, summary_zh="过号", summary_en="Skip: it did not come"
)
async def skip(request: ServiceRequest, params: NoParams) -> TicketRead:
    """Skip the number at the window."""
    return await queue.skip(request.require_staff())


@service.action(permission=CALL, mutates=True, summary_zh="办结", summary_en="Finish: served")
async def finish(request: ServiceRequest, params: NoParams) -> TicketRead:
    """Finish the number at the window."""
    return await queue.finish(request.require_staff())


@service.action(
    permission=CALL, mutates=True, summary_zh="转移到其他队列", summary_en="Send to another queue"
)
async def transfer(request: ServiceRequest, params: TransferParams) -> TicketRead:
    """Send the number at the window to another queue."""
    return await queue.transfer(request.require_staff(), params.queue_id)


@service.action(
    errors=(Code.HALL_NOT_FOUND,), summary_zh="大厅叫号大屏", summary_en="The hall display board"
)
async def board(request: ServiceRequest, params: HallParams) -> BoardRead:
    """The numbers being called in a hall and at which window (labels only)."""
    return await queue.board(params.hall_id)


# Live updates (server-sent events), outside the invocation endpoint: a stream, not one answer.

router = APIRouter(prefix="/api/v1/queue", tags=["queue"])


def event_stream(stream: AsyncIterator[bytes]) -> StreamingResponse:
    """Server-sent events, never cached nor buffered by a proxy."""
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/numbers/{ticket_id}/events",
    summary="Live updates of my number (server-sent events)",
    response_class=StreamingResponse,
)
async def number_events(
    request: Request,
    ticket_id: Annotated[int, Path(ge=1, le=2**62)],
    max_events: Annotated[int, Query(ge=1, le=1000)] = 1000,
    ticket: Annotated[str | None, Query(max_length=128)] = None,
) -> StreamingResponse:
    """`event: ticket` with the number as `queue.my-number` answers it, first at once, then on
    every change of status, place or window; the stream ends when the number is finished.
    Send `Authorization: Bearer <access token>` of the resident holding the number, or (from a
    browser's EventSource, which cannot send headers) `?ticket=` with a single-use ticket from
    `queue.stream-ticket`; when `ticket` is given the header is not consulted."""
    settings = queue.settings
    if ticket is not None:
        citizen_id = await live.redeem_stream_ticket(
            ticket, ticket_id, settings.stream_ticket_seconds
        )
    else:
        principal = await signed_in(request, CitizenPrincipal, wrong_kind=Code.LOGIN_REQUIRED)
        citizen_id = principal.citizen_id
    queue_id = (await queue.my_ticket(citizen_id, ticket_id)).queue_id  # not theirs: not found

    async def read() -> TicketRead:
        numbers = await live.changes().shared(
            ("numbers", queue_id), [queue_id], lambda: queue.open_numbers(queue_id)
        )
        return await queue.my_ticket_in(numbers, citizen_id, ticket_id)

    stream = live.ticket_stream(
        queue_id, read, max_seconds=settings.live_max_seconds, max_events=max_events
    )
    return event_stream(stream)


@router.get(
    "/halls/{hall_id}/board/events",
    summary="Live updates of a hall display board (server-sent events)",
    response_class=StreamingResponse,
)
async def board_events(
    hall_id: Annotated[int, Path(ge=1, le=2**62)],
    max_events: Annotated[int, Query(ge=1, le=10000)] = 10000,
) -> StreamingResponse:
    """`event: board` with the board as `queue.board` answers it, first at once, then on every
    call, recall or close in the hall. The board shows number labels and windows only, as the
    screen in the hall does, so the stream needs no sign-in; staff consoles refresh their
    waiting list on it."""
    settings = queue.settings
    stream = live.hall_stream(
        hall_id,
        await queue.board_queue_ids(hall_id),
        lambda: queue.board(hall_id),
        max_seconds=settings.live_max_seconds,
        max_events=max_events,
    )
    return event_stream(stream)
