"""Residents' identity: one citizen, many channel accounts, and the sessions they sign in with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from tortoise.exceptions import IntegrityError

from channels.identity import repository
from channels.identity.clock import Clock, utcnow
from channels.identity.crypto import PersonalData, personal_data
from channels.identity.errors import (
    ChannelAccountNotFound,
    IdNumberTaken,
    LastChannelAccount,
    PhoneAlreadyBound,
    PhoneTaken,
    RealNameAlreadyVerified,
    RealNameMismatch,
)
from channels.identity.id_numbers import normalize_id_number
from channels.identity.merge import contradicts, merge_citizens
from channels.identity.models import AuthSession, ChannelAccount, Citizen
from channels.identity.phones import normalize_phone
from channels.identity.schemas import (
    BindPhoneRead,
    ChannelAccountRead,
    CitizenRead,
    RealNameRead,
)
from channels.identity.tokens import TokenPair, TokenService, authenticate_access_token, tokens
from channels.identity.verifiers import RealNameVerifier, real_name_verifier
from config.database import unit_of_work
from gateway.codes import Code
from gateway.errors import GovError
from gateway.masking import mask_id_number, mask_phone
from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel, Principal

PHONE, ID_NUMBER, NAME = "phone", "id_number", "name"
# Channels where the external id is the phone number itself: kept hashed and encrypted.
PHONE_KEYED_CHANNELS = frozenset({Channel.APP})


async def authenticate(token: str) -> Principal:
    """Turns a bearer access token (resident or staff) into the principal it was issued to."""
    return await authenticate_access_token(token)


def mask_name(name: str) -> str:
    """`张三` → `张*`."""
    return name[:1] + "*" * (len(name) - 1)


def mask_external_id(value: str) -> str:
    return "*" * len(value) if len(value) <= 8 else f"{value[:4]}****{value[-4:]}"


class IdentityService:
    """Finds or creates citizens, links their channel accounts and verifies their real names.

    `data` (keys), `verifier` and `clock` default to the configured ones; tests pass their own.
    """

    def __init__(
        self,
        token_service: TokenService = tokens,
        *,
        data: PersonalData | None = None,
        verifier: RealNameVerifier | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.tokens = token_service
        self._data = data
        self._verifier = verifier
        self.clock = clock

    @property
    def data(self) -> PersonalData:
        return self._data or personal_data()

    @property
    def verifier(self) -> RealNameVerifier:
        return self._verifier or real_name_verifier()

    # Sign-in

    async def sign_in_channel_account(
        self,
        channel: Channel,
        app_id: str,
        external_id: str,
        *,
        unionid: str | None = None,
        phone: str | None = None,
    ) -> TokenPair:
        """Signs in whoever holds this channel account, creating the citizen on first sight.

        A new account joins an existing citizen with the same WeChat `unionid`, else the same
        `phone` (which the caller has verified: a one-time code, a platform's phone grant).
        """
        verified_phone = None if phone is None else normalize_phone(phone)
        if channel in PHONE_KEYED_CHANNELS:
            external_id = normalize_phone(external_id)
        link = (channel, app_id, external_id, unionid, verified_phone)
        try:
            citizen = await self._find_or_link(*link)
        except IntegrityError:  # a concurrent first sign-in created the same rows: join them
            citizen = await self._find_or_link(*link)
        if verified_phone is not None:
            citizen = await self._join_phone_holder(citizen, verified_phone)
        principal = CitizenPrincipal(citizen.id, citizen.level, session_id="", channel=channel)
        return await self.tokens.start(principal, channel)

    async def _find_or_link(
        self,
        channel: Channel,
        app_id: str,
        external_id: str,
        unionid: str | None,
        phone: str | None,
    ) -> Citizen:
        now = self.clock()
        async with unit_of_work():
            account = await repository.channel_account(
                channel.value, app_id, self._external_lookup(channel, external_id)
            )
            if account is not None:
                citizen = account.citizen
                await self._touch(account, unionid, now)
            else:
                citizen = await self._citizen_for(unionid, phone) or await self._new_citizen()
                await repository.create_channel_account(
                    citizen,
                    channel=channel.value,
                    app_id=app_id,
                    unionid=unionid,
                    last_sign_in_at=now,
                    **self._external_columns(channel, external_id),
                )
            if phone is not None:
                await self._attach_phone(citizen, phone)
        return citizen

    async def _join_phone_holder(self, citizen: Citizen, phone: str) -> Citizen:
        """A known account arriving with a verified phone another citizen holds is that
        citizen: the two records are merged (unless they contradict)."""
        holder = await repository.citizen_by_phone_hash(self.data.lookup(phone, PHONE))
        if holder is None or holder.id == citizen.id or contradicts(holder, citizen):
            return citizen
        await merge_citizens(holder, citizen, "phone", self.tokens)
        return await self._citizen(holder.id)

    def _external_lookup(self, channel: Channel, external_id: str) -> list[str]:
        if channel in PHONE_KEYED_CHANNELS:
            return self.data.lookup(external_id, PHONE)
        return [external_id]

    def _external_columns(self, channel: Channel, external_id: str) -> dict[str, str | None]:
        if channel in PHONE_KEYED_CHANNELS:
            sealed = self.data.seal(external_id, PHONE)
            return {"external_id": sealed.digest, "external_id_cipher": sealed.ciphertext}
        return {"external_id": external_id, "external_id_cipher": None}

    @staticmethod
    async def _touch(account: ChannelAccount, unionid: str | None, now: datetime) -> None:
        account.last_sign_in_at = now
        changed = ["last_sign_in_at"]
        if unionid and account.unionid != unionid:
            account.unionid = unionid
            changed.append("unionid")
        await repository.save_channel_account(account, *changed)

    async def citizen_id_by_phone(self, phone: str) -> int | None:
        """The resident who holds a phone number, for staff looking up their orders."""
        found = await repository.citizen_by_phone_hash(
            self.data.lookup(normalize_phone(phone), PHONE)
        )
        return None if found is None else found.id

    async def _citizen_for(self, unionid: str | None, phone: str | None) -> Citizen | None:
        if unionid:
            linked = await repository.account_with_unionid(unionid)
            if linked is not None:
                return linked.citizen
        if phone:
            return await repository.citizen_by_phone_hash(self.data.lookup(phone, PHONE))
        return None

    @staticmethod
    async def _new_citizen() -> Citizen:
        return await repository.create_citizen(level=IdentityLevel.LOGGED_IN)

    async def _attach_phone(self, citizen: Citizen, phone: str) -> None:
        """Records a verified phone on a citizen who has none, unless another citizen holds it."""
        if citizen.phone_hash is not None:
            return
        if await repository.citizen_by_phone_hash(self.data.lookup(phone, PHONE)) is not None:
            return
        sealed = self.data.seal(phone, PHONE)
        citizen.phone_cipher, citizen.phone_hash = sealed.ciphertext, sealed.digest
        await repository.save_citizen(citizen, "phone_cipher", "phone_hash")

    async def load_principal(self, session: AuthSession) -> CitizenPrincipal:
        """The citizen of a session as they are now (a refresh picks up a raised level)."""
        citizen = await repository.citizen_by_id(session.subject_id)
        if citizen is None:
            raise GovError(Code.TOKEN_INVALID)
        channel = None if session.channel is None else Channel(session.channel)
        return CitizenPrincipal(citizen.id, citizen.level, session.id, channel)

    async def refresh(self, refresh_token: str) -> TokenPair:
        return await self.tokens.refresh(refresh_token, "citizen", self.load_principal)

    async def sign_out(self, principal: Principal) -> None:
        await self.tokens.revoke(principal.session_id)

    # The account

    async def _citizen(self, citizen_id: int) -> Citizen:
        citizen = await repository.citizen_by_id(citizen_id)
        if citizen is None:
            raise GovError(Code.CITIZEN_NOT_FOUND)
        return citizen

    def _open(self, ciphertext: str | None, purpose: str) -> str | None:
        return None if ciphertext is None else self.data.open(ciphertext, purpose)

    def phone_of(self, citizen: Citizen) -> str | None:
        return self._open(citizen.phone_cipher, PHONE)

    def id_number_of(self, citizen: Citizen) -> str | None:
        return self._open(citizen.id_number_cipher, ID_NUMBER)

    async def name_and_phone(self, citizen_id: int) -> tuple[str | None, str | None]:
        """A resident's real name and phone, for a department calling them back or keeping them
        out of what it publishes; never to be stored elsewhere."""
        citizen = await repository.citizen_by_id(citizen_id)
        if citizen is None:
            return None, None
        return self._open(citizen.name_cipher, NAME), self.phone_of(citizen)

    def masked_label(self, citizen: Citizen) -> str:
        """How a resident is named to staff and on receipts: masked real name, else masked
        phone, so the one at the counter recognises themselves and nobody else learns more."""
        if citizen.name_cipher:
            return mask_name(self.data.open(citizen.name_cipher, NAME))
        if citizen.phone_cipher:
            return mask_phone(self.data.open(citizen.phone_cipher, PHONE))
        return "-"

    async def masked_labels(self, citizen_ids: Iterable[int]) -> dict[int, str]:
        """`masked_label` of many residents in one query; an unknown id is absent."""
        wanted = sorted(set(citizen_ids))
        if not wanted:
            return {}
        return {c.id: self.masked_label(c) for c in await repository.citizens_by_ids(wanted)}

    def _account_read(self, account: ChannelAccount) -> ChannelAccountRead:
        external = self._open(account.external_id_cipher, PHONE)
        return ChannelAccountRead(
            id=account.id,
            channel=account.channel,
            app_id=account.app_id,
            external_id=mask_external_id(account.external_id)
            if external is None
            else mask_phone(external),
            linked_at=account.created_at,
            last_sign_in_at=account.last_sign_in_at,
        )

    async def me(self, principal: CitizenPrincipal) -> CitizenRead:
        citizen = await self._citizen(principal.citizen_id)
        phone, id_number = self.phone_of(citizen), self.id_number_of(citizen)
        name = self._open(citizen.name_cipher, NAME)
        return CitizenRead(
            id=citizen.id,
            level=citizen.level.name.lower(),
            phone=None if phone is None else mask_phone(phone),
            id_number=None if id_number is None else mask_id_number(id_number),
            name=None if name is None else mask_name(name),
            real_name_verified_at=citizen.real_name_verified_at,
            channel=None if principal.channel is None else principal.channel.value,
            channel_accounts=await self.channel_accounts(citizen.id),
        )

    async def channel_accounts(self, citizen_id: int) -> list[ChannelAccountRead]:
        return [self._account_read(a) for a in await repository.channel_accounts_of(citizen_id)]

    async def unlink_channel_account(
        self, citizen_id: int, account_id: int
    ) -> list[ChannelAccountRead]:
        """Removes one way to sign in; the last one stays, or the citizen could not come back."""
        async with unit_of_work():
            await repository.lock_citizen(citizen_id)  # two unlinks at once must not take both
            accounts = await repository.channel_accounts_of(citizen_id)
            if all(a.id != account_id for a in accounts):
                raise ChannelAccountNotFound()
            if len(accounts) == 1:
                raise LastChannelAccount()
            await repository.delete_channel_account(citizen_id, account_id)
        return await self.channel_accounts(citizen_id)

    # Real name

    async def verify_real_name(
        self, principal: CitizenPrincipal, name: str, id_number: str
    ) -> RealNameRead:
        """Checks name and ID number with the provider and raises the citizen to REAL_NAME."""
        number, name = normalize_id_number(id_number), name.strip()
        citizen = await self._citizen(principal.citizen_id)
        if citizen.level >= IdentityLevel.REAL_NAME:
            if self.id_number_of(citizen) != number:
                raise RealNameAlreadyVerified()
            return self._real_name_read(citizen, principal)
        holder = await repository.citizen_by_id_number_hash(self.data.lookup(number, ID_NUMBER))
        if holder is not None and holder.id != citizen.id and contradicts(holder, citizen):
            raise IdNumberTaken()
        verdict = await self.verifier.verify(name, number)
        if not verdict.matched:
            raise RealNameMismatch()
        if holder is not None and holder.id != citizen.id:
            # The verified ID proves this sign-in is the resident who already holds it.
            if self._open(holder.name_cipher, NAME) != name:
                raise IdNumberTaken()
            pair = await self._join(holder, citizen, "id_number", principal)
            return self._real_name_read(holder, principal).model_copy(update={"tokens": pair})
        sealed_number = self.data.seal(number, ID_NUMBER)
        citizen.id_number_cipher, citizen.id_number_hash = (
            sealed_number.ciphertext,
            sealed_number.digest,
        )
        citizen.name_cipher = self.data.cipher.encrypt(name, NAME)
        citizen.level = IdentityLevel.REAL_NAME
        citizen.real_name_verified_at = self.clock()
        citizen.real_name_provider = self.verifier.name
        try:
            await repository.save_citizen(
                citizen,
                "id_number_cipher",
                "id_number_hash",
                "name_cipher",
                "level",
                "real_name_verified_at",
                "real_name_provider",
            )
        except IntegrityError:
            raise IdNumberTaken() from None
        return self._real_name_read(citizen, principal)

    async def _join(
        self, holder: Citizen, citizen: Citizen, reason: str, principal: CitizenPrincipal
    ) -> TokenPair:
        """Merges the signed-in citizen into the holder and opens a session of the holder for
        the channel in use: the caller's own tokens are revoked by the merge."""
        await merge_citizens(holder, citizen, reason, self.tokens)
        kept = await self._citizen(holder.id)
        signed_in = CitizenPrincipal(kept.id, kept.level, "", principal.channel)
        return await self.tokens.start(signed_in, principal.channel)

    # Phone

    async def bind_phone(self, principal: CitizenPrincipal, verified_phone: str) -> BindPhoneRead:
        """Binds a phone proven by a one-time code. When another citizen holds it, the two are
        one person: this sign-in's citizen joins that one (unless their verified ID numbers
        differ)."""
        phone = normalize_phone(verified_phone)
        citizen = await self._citizen(principal.citizen_id)
        lookup = self.data.lookup(phone, PHONE)
        if citizen.phone_hash is not None:
            if citizen.phone_hash not in lookup:
                raise PhoneAlreadyBound()
            return BindPhoneRead(phone=mask_phone(phone), merged=False)
        holder = await repository.citizen_by_phone_hash(lookup)
        if holder is None:
            sealed = self.data.seal(phone, PHONE)
            citizen.phone_cipher, citizen.phone_hash = sealed.ciphertext, sealed.digest
            try:
                await repository.save_citizen(citizen, "phone_cipher", "phone_hash")
            except IntegrityError:
                raise PhoneTaken() from None
            return BindPhoneRead(phone=mask_phone(phone), merged=False)
        if contradicts(holder, citizen):
            raise PhoneTaken()
        pair = await self._join(holder, citizen, "phone", principal)
        return BindPhoneRead(phone=mask_phone(phone), merged=True, tokens=pair)

    async def real_name(self, principal: CitizenPrincipal) -> RealNameRead:
        citizen = await self._citizen(principal.citizen_id)
        if citizen.level < IdentityLevel.REAL_NAME:
            raise GovError(Code.REAL_NAME_REQUIRED)
        return self._real_name_read(citizen, principal)

    def _real_name_read(self, citizen: Citizen, principal: CitizenPrincipal) -> RealNameRead:
        assert citizen.real_name_verified_at is not None
        return RealNameRead(
            level=citizen.level.name.lower(),
            name=mask_name(self._open(citizen.name_cipher, NAME) or ""),
            id_number=mask_id_number(self.id_number_of(citizen) or ""),
            verified_at=citizen.real_name_verified_at,
            tokens_stale=principal.level < citizen.level,
        )


identity = IdentityService()


async def sign_in_channel_account(
    channel: Channel,
    app_id: str,
    external_id: str,
    *,
    unionid: str | None = None,
    phone: str | None = None,
) -> TokenPair:
    """Signs a channel account in (see `IdentityService.sign_in_channel_account`)."""
    return await identity.sign_in_channel_account(
        channel, app_id, external_id, unionid=unionid, phone=phone
    )


async def phone_of_citizen(citizen_id: int) -> str | None:
    """The resident's verified phone in clear, for a department that must call them back."""
    citizen = await repository.citizen_by_id(citizen_id)
    return None if citizen is None else identity.phone_of(citizen)


FAST_LANE_AGE = 65


async def fast_lane_groups(citizen_id: int) -> set[str]:
    """Hall fast-lane groups the verified identity proves: `elderly` from 65, by the birth date
    in the ID number (digits 7-14). Disability, pregnancy and military service are checked by
    hall staff instead."""
    from datetime import date

    citizen = await repository.citizen_by_id(citizen_id)
    if citizen is None or citizen.level < IdentityLevel.REAL_NAME:
        return set()
    number = identity.id_number_of(citizen)
    if number is None:
        return set()
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    today = date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return {"elderly"} if age >= FAST_LANE_AGE else set()
