"""A depot with two departments that are architectures of their own: billing (a clerk
and a desk) bills each order, the warehouse (a picker and a dock) ships what is billed.

    Depot
      front: Front                 places two orders
      billing: BillingDept         seen from outside as a Billing
        clerk: Clerk               takes the order
        desk: Billing              bills it
      warehouse: WarehouseDept     seen from outside as a Warehouse
        picker: Picker             picks what is billed
        dock: Warehouse            ships it
"""

from pyrapide import action, architecture, connect, get_context, interface, module, pipe, when


@interface
class Front:
    @action
    async def order(self, order: str) -> None: ...


@interface
class Billing:
    @action
    async def billed(self, order: str) -> None: ...


@interface
class Clerk:
    @action
    async def taken(self, order: str) -> None: ...


@interface
class Warehouse:
    @action
    async def shipped(self, order: str) -> None: ...


@interface
class Picker:
    @action
    async def picked(self, order: str) -> None: ...


@module(implements=Front)
class FrontModule:
    async def start(self) -> None:
        for order in ("a", "b"):
            await get_context(self).emit("order", order=order)


@module(implements=Clerk)
class ClerkModule:
    @when("Front.order")
    async def on_order(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("taken", order=match.payload["order"])


@module(implements=Billing)
class DeskModule:
    @when("Clerk.taken")
    async def on_taken(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("billed", order=match.payload["order"])


@module(implements=Picker)
class PickerModule:
    @when("Billing.billed")
    async def on_billed(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("picked", order=match.payload["order"])


@module(implements=Warehouse)
class DockModule:
    @when("Picker.picked")
    async def on_picked(self, match):  # type: ignore[no-untyped-def]
        await get_context(self).emit("shipped", order=match.payload["order"])


@architecture(implements=Billing)
class BillingDept:
    clerk = Clerk
    desk = Billing
    connections = [connect("Front.order", clerk), connect("Clerk.taken", desk)]


@architecture(implements=Warehouse)
class WarehouseDept:
    picker = Picker
    dock = Warehouse
    connections = [connect("Billing.billed", picker), connect("Picker.picked", dock)]


@architecture
class Depot:
    front = Front
    billing = BillingDept
    warehouse = WarehouseDept
    connections = [connect("Front.order", billing), pipe("Billing.billed", warehouse)]


system = Depot.bind(
    front=FrontModule,
    billing={"clerk": ClerkModule, "desk": DeskModule},
    warehouse={"picker": PickerModule, "dock": DockModule},
)
