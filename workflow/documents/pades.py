"""The pyHanko half of signing (documents/signing.py decides which certificate signs, where and
what the visible signature says): the signer class, the stamp's style and font, and the PAdES
signature itself. Imported only when a document is signed, so that importing the app (every
`flask` command) does not pay for pyHanko.
"""

import io

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.stamp import TextStampStyle

from .signing import FIELD_NAME, STAMP_FONT, STAMP_FONT_SIZE, _stamp_font_bytes


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature it makes (twice per
    document: once to size the signature, once to sign), and `cryptography` checks an RSA key as it
    parses it: about 70 ms each time. This one parses the key once and keeps it."""

    _pyca_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15" and isinstance(self._pyca_key, RSAPrivateKey):
            return self._pyca_key.sign(data, PKCS1v15(), hash_algorithm)
        if algorithm == "ecdsa" and isinstance(self._pyca_key, EllipticCurvePrivateKey):
            return self._pyca_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)  # PSS and the rest, as pyHanko does them


class _StampFont(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file for every signature and leaves it open (a
    ResourceWarning); this one reads it once and hands each signature a copy in memory."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(_stamp_font_bytes()), font_size=self.font_size, obj_stream=obj_stream
        )


STAMP = TextStampStyle(
    stamp_text=(
        "Ditandatangani secara elektronik\n"
        "Disetujui: %(approver)s\n"
        "Tanggal: %(approved_at)s\n"
        "Sertifikat: %(signer)s%(demo)s"
    ),
    text_box_style=TextBoxStyle(
        font=_StampFont(str(STAMP_FONT), font_size=STAMP_FONT_SIZE),
        font_size=STAMP_FONT_SIZE,
        leading=STAMP_FONT_SIZE + 2,  # accents and descenders of neighbouring lines apart (pyHanko: an int)
    ),
    background=None,  # pyHanko's default draws its own logo behind the text
    border_width=1,
)


def kept_key_signer(pkcs12_data: bytes, passphrase: bytes | None) -> _KeptKeySigner:
    """The signer of a PKCS#12 file (already checked by signing.OfficeSigner).

    :raise ValueError: the file cannot be used
    """
    loaded = signers.SimpleSigner.load_pkcs12_data(pkcs12_data, (), passphrase)
    return _KeptKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


def sign_pdf(content: bytes, signer, timestamper, place, approval, text: dict) -> bytes:
    """`content` signed by `signer` (PAdES, SHA-256; time-stamped by `timestamper` if any), the
    visible signature at `place` (signing.SignaturePlace, or None: invisible) showing `text`."""
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        location=approval.location,
        reason=approval.reason,
    )
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=place.page, box=place.box) if place else None
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper, stamp_style=STAMP, new_field_spec=spec)
    output = pdf_signer.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(content), strict=False), appearance_text_params=text
    )
    return output.getvalue()
