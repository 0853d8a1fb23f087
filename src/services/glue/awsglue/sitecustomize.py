"""nimbus: a job's script ends when nimbus does, and clients of botocore versions that predate
AWS_ENDPOINT_URL (Debian's 1.29) still reach the endpoint the job's environment names
(AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL)."""

import os


def _die_with_nimbus():
    parent = os.environ.get("NIMBUS_GLUE_PARENT_PID")
    if not parent:
        return
    try:
        import ctypes
        import signal
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != int(parent):  # nimbus is already gone
        os._exit(1)


def _point_botocore_at_nimbus():
    default = os.environ.get("AWS_ENDPOINT_URL")
    if not default:
        return
    try:
        import botocore.session
    except ImportError:
        return
    original = botocore.session.Session.create_client
    if getattr(original, "_nimbus", False):
        return

    def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                      verify=None, endpoint_url=None, *args, **kwargs):
        if endpoint_url is None:
            variable = "AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_").replace(" ", "_")
            endpoint_url = os.environ.get(variable) or default
        return original(self, service_name, region_name, api_version, use_ssl, verify, endpoint_url,
                        *args, **kwargs)

    create_client._nimbus = True
    botocore.session.Session.create_client = create_client


_die_with_nimbus()
_point_botocore_at_nimbus()
