"""The embedded default's broker: kombu's filesystem transport, each message written whole
before a worker can see it.

Kombu's own `_put` creates the message file under its final name, then writes it. A worker
listing the folder in between takes the empty file, cannot parse it and stops for good
(celery: "Unrecoverable error: JSONDecodeError"), and `make run` goes on serving pages
with no worker: exports wait forever, e-mails and timers stop. Here the message is
written under a name no queue reads (`.<name>.partial`), then renamed to its final name,
which is atomic on one file system (the queue folder)."""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: written aside, then renamed into the queue."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb", buffering=0) as out:
                out.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
