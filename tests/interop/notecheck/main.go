// notecheck checks Likeness checkpoints, cosignatures and proofs with Go's own
// implementations: golang.org/x/mod/sumdb/note (signed notes, vkeys, Ed25519) and
// golang.org/x/mod/sumdb/tlog (RFC 6962 / 9162 inclusion and consistency proofs).
//
// x/mod's note package knows only Ed25519 (type 0x01) keys, so the cosignature/v1 (type 0x04)
// verifier below plugs into note.Open as any custom Verifier would: note.Open still does the
// parsing, the name and key ID matching and the rejection rules.
//
// Input (stdin, JSON): {"log_vkeys": [...], "witness_vkeys": [...], "notes": [...],
// "inclusion": [{"leaf","index","size","root","proof"}], "consistency": [{"old","new",
// "old_root","new_root","proof"}]} with hashes in base64. Output (stdout, JSON): per note the
// names whose signatures verified or an error; per proof "ok" or an error.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type cosigVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	return ed25519.Verify(v.key, signed, sig[8:])
}

func newCosigVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, errors.New("malformed cosignature vkey")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 33 || raw[0] != 0x04 {
		return nil, errors.New("not a type 0x04 Ed25519 key")
	}
	h := sha256.Sum256(append([]byte(parts[0]+"\n"), raw...))
	id := binary.BigEndian.Uint32(h[:4])
	want, err := hex.DecodeString(parts[1])
	if err != nil || len(want) != 4 || binary.BigEndian.Uint32(want) != id {
		return nil, errors.New("key ID does not match the key")
	}
	return &cosigVerifier{name: parts[0], hash: id, key: ed25519.PublicKey(raw[1:])}, nil
}

type proofCase struct {
	Leaf    string   `json:"leaf"`
	Index   int64    `json:"index"`
	Size    int64    `json:"size"`
	Root    string   `json:"root"`
	Old     int64    `json:"old"`
	New     int64    `json:"new"`
	OldRoot string   `json:"old_root"`
	NewRoot string   `json:"new_root"`
	Proof   []string `json:"proof"`
}

type input struct {
	LogVkeys     []string    `json:"log_vkeys"`
	WitnessVkeys []string    `json:"witness_vkeys"`
	Notes        []string    `json:"notes"`
	Inclusion    []proofCase `json:"inclusion"`
	Consistency  []proofCase `json:"consistency"`
}

type noteResult struct {
	Signers []string `json:"signers"`
	Error   string   `json:"error"`
}

type output struct {
	Notes       []noteResult `json:"notes"`
	Inclusion   []string     `json:"inclusion"`
	Consistency []string     `json:"consistency"`
}

func hash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != len(h) {
		return h, errors.New("bad hash")
	}
	copy(h[:], raw)
	return h, nil
}

func hashes(list []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, 0, len(list))
	for _, s := range list {
		h, err := hash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func result(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	var verifiers []note.Verifier
	for _, k := range in.LogVkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			fmt.Fprintln(os.Stderr, "log vkey:", err)
			os.Exit(2)
		}
		verifiers = append(verifiers, v)
	}
	for _, k := range in.WitnessVkeys {
		v, err := newCosigVerifier(k)
		if err != nil {
			fmt.Fprintln(os.Stderr, "witness vkey:", err)
			os.Exit(2)
		}
		verifiers = append(verifiers, v)
	}
	known := note.VerifierList(verifiers...)
	var out output
	for _, text := range in.Notes {
		n, err := note.Open([]byte(text), known)
		r := noteResult{Signers: []string{}}
		if err != nil {
			r.Error = err.Error()
		} else {
			for _, s := range n.Sigs {
				r.Signers = append(r.Signers, s.Name)
			}
		}
		out.Notes = append(out.Notes, r)
	}
	for _, c := range in.Inclusion {
		leaf, err1 := hash(c.Leaf)
		root, err2 := hash(c.Root)
		proof, err3 := hashes(c.Proof)
		err := firstError(err1, err2, err3)
		if err == nil {
			err = tlog.CheckRecord(tlog.RecordProof(proof), c.Size, root, c.Index, leaf)
		}
		out.Inclusion = append(out.Inclusion, result(err))
	}
	for _, c := range in.Consistency {
		oldRoot, err1 := hash(c.OldRoot)
		newRoot, err2 := hash(c.NewRoot)
		proof, err3 := hashes(c.Proof)
		err := firstError(err1, err2, err3)
		if err == nil {
			err = tlog.CheckTree(tlog.TreeProof(proof), c.New, newRoot, c.Old, oldRoot)
		}
		out.Consistency = append(out.Consistency, result(err))
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
